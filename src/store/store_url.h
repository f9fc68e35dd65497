#pragma once
// Which run store a workspace uses: its SQLite file by default, or a server database named by a
// connection URL (postgresql://user:password@host:port/database?options). URLs are shown only
// without their password.
#include <string>

namespace autodet::store {

// The environment variable that names the run store for this process and the processes it starts
// (`--store` sets it); it wins over the workspace's store.url file.
inline constexpr const char* kStoreEnv = "AUTODET_STORE";

// True for postgresql:// and postgres:// URLs.
bool is_postgres_url(const std::string& url);
// The URL without its password (user:password@ -> user@, password=... dropped from the query),
// for messages and logs.
std::string redact_url(const std::string& url);
// Replaces every occurrence of the URL's password in text by "***" (libpq messages may repeat it).
std::string redact_password(const std::string& text, const std::string& url);

}  // namespace autodet::store
