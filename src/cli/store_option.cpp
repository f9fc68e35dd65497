#include "cli/store_option.h"

#include <cstdlib>

#include "store/store_url.h"

namespace autodet::cli {

void add_store_option(CLI::App& cmd, std::string& url) {
  cmd.add_option("--store", url,
                 "Run store URL, e.g. postgresql://user@host:5432/db (default: the workspace's store.url, else its "
                 "SQLite file); child processes inherit it through $AUTODET_STORE");
}

void apply_store_option(const std::string& url) {
  if (!url.empty()) ::setenv(store::kStoreEnv, url.c_str(), 1);
}

}  // namespace autodet::cli
