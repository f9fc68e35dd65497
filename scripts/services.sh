#!/usr/bin/env bash
# A single-machine Slurm (slurmctld + slurmd, with munge) and PostgreSQL on loopback, for the
# tests and for trying `compute: slurm` with a PostgreSQL run store on one machine. Needs root and
# Debian's slurmctld slurmd slurm-client munge postgresql (see docs/scale-out.md).
#
#   scripts/services.sh start            start both (stops an earlier instance first)
#   scripts/services.sh stop             stop both, by the PIDs in their pid files
#   scripts/services.sh env              print the exports that point autodet and the tests at them
#   scripts/services.sh postgres start|stop DIR PORT
#                                        a private PostgreSQL instance in DIR (tests that stop it)
#
# Everything lives under $AUTODET_SERVICES_DIR (default /tmp/autodet-services); nothing in /etc.
set -euo pipefail

D=${AUTODET_SERVICES_DIR:-/tmp/autodet-services}
PG_PORT=${AUTODET_PG_PORT:-55432}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

die() { echo "services.sh: $*" >&2; exit 1; }
wait_for() {  # wait_for TRIES COMMAND...: retries every 0.2 s
  local n=$1; shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}
stop_pid_file() {  # stop_pid_file FILE: SIGTERM the process whose PID the file holds, wait for it
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(head -1 "$f")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$f"
}

# ---- PostgreSQL -----------------------------------------------------------------------------
# postgres_start DIR PORT: initdb (once) and start; user autodet with a generated password,
# database autodet. Password authentication over TCP, so the URL carries a real password.
postgres_start() {
  local dir=$1 port=$2
  [ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL is not installed ($PG_BIN/pg_ctl missing): apt-get install postgresql"
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/password"
    chmod 600 "$dir/password"
    cp "$dir/password" "$dir/pwfile"; chown postgres "$dir/pwfile"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 --pwfile="$dir/pwfile" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$dir/pwfile"
  fi
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c max_connections=200 -c fsync=off" start >/dev/null \
    || { tail -20 "$dir/postgres.log" >&2; die "PostgreSQL did not start (log: $dir/postgres.log)"; }
  local pw; pw=$(cat "$dir/password")
  runuser -u postgres -- "$PG_BIN/psql" -h "$dir" -p "$port" -U postgres -qAt -v ON_ERROR_STOP=1 >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'autodet') THEN
    CREATE ROLE autodet LOGIN CREATEDB PASSWORD '$pw';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE autodet OWNER autodet' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'autodet')\gexec
SQL
}

postgres_stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null || true
}

postgres_url() {  # postgres_url DIR PORT
  echo "postgresql://autodet:$(cat "$1/password")@127.0.0.1:$2/autodet"
}

# ---- Slurm with munge ---------------------------------------------------------------------
slurm_start() {
  command -v slurmctld >/dev/null || [ -x /usr/sbin/slurmctld ] || die "Slurm is not installed: apt-get install slurmctld slurmd slurm-client munge"
  local S=$D/slurm host ncpu msock
  host=$(hostname -s); ncpu=$(nproc)
  rm -rf "$S"; mkdir -p "$S"/{state,spool,log}; chmod 755 "$D" "$S"
  # munge: its own key and socket; the socket's folder must be o+x, the key 0400 owned by munge.
  mkdir -p "$S/munge"; chown munge:munge "$S/munge"; chmod 755 "$S/munge"
  mungekey --create --keyfile="$S/munge/munge.key" --force
  chown munge:munge "$S/munge/munge.key"; chmod 400 "$S/munge/munge.key"
  msock=$S/munge/munge.socket
  runuser -u munge -- /usr/sbin/munged --socket="$msock" --key-file="$S/munge/munge.key" \
    --log-file="$S/munge/munged.log" --pid-file="$S/munge/munged.pid" --seed-file="$S/munge/munged.seed" </dev/null >/dev/null 2>&1
  wait_for 50 test -S "$msock" || die "munged did not start (log: $S/munge/munged.log)"
  cat > "$S/slurm.conf" <<CONF
ClusterName=autodet
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${msock}
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
SlurmctldPort=${AUTODET_SLURMCTLD_PORT:-6817}
SlurmdPort=${AUTODET_SLURMD_PORT:-6818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${ncpu} RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$S/slurm.conf
  /usr/sbin/slurmctld -i -f "$SLURM_CONF" </dev/null >/dev/null 2>&1
  /usr/sbin/slurmd -f "$SLURM_CONF" </dev/null >/dev/null 2>&1
  wait_for 150 sh -c '[ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ]' \
    || { tail -5 "$S/log/slurmctld.log" "$S/log/slurmd.log" >&2; die "the Slurm node did not become idle"; }
}

slurm_stop() {
  local S=$D/slurm
  [ -f "$S/slurm.conf" ] || return 0
  if [ -f "$S/slurmctld.pid" ]; then
    SLURM_CONF=$S/slurm.conf scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
  fi
  stop_pid_file "$S/slurmd.pid"
  stop_pid_file "$S/slurmctld.pid"
  stop_pid_file "$S/munge/munged.pid"
}

print_env() {
  [ -f "$D/slurm/slurm.conf" ] && echo "export SLURM_CONF=$D/slurm/slurm.conf"
  [ -f "$D/postgres/password" ] && echo "export AUTODET_TEST_POSTGRES_URL=$(postgres_url "$D/postgres" "$PG_PORT")"
  return 0
}

[ "$(id -u)" = 0 ] || [ "${1:-}" = env ] || die "run as root (it starts munged and PostgreSQL as their own users)"
case "${1:-}" in
  start)
    slurm_stop; postgres_stop "$D/postgres"
    mkdir -p "$D"; chmod 755 "$D"
    slurm_start
    postgres_start "$D/postgres" "$PG_PORT"
    echo "services.sh: Slurm (SLURM_CONF=$D/slurm/slurm.conf) and PostgreSQL (127.0.0.1:$PG_PORT) are up;" \
         "eval \"\$($0 env)\" to use them" >&2 ;;
  stop)
    slurm_stop; postgres_stop "$D/postgres" ;;
  env)
    print_env ;;
  postgres)
    [ $# = 4 ] || die "usage: $0 postgres start|stop DIR PORT"
    case "$2" in
      start) postgres_start "$3" "$4"; postgres_url "$3" "$4" ;;
      stop) postgres_stop "$3" ;;
      *) die "usage: $0 postgres start|stop DIR PORT" ;;
    esac ;;
  *) die "usage: $0 start|stop|env, or $0 postgres start|stop DIR PORT" ;;
esac
