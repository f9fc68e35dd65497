#pragma once
// Timestamps as the store keeps them: ISO 8601 UTC with milliseconds, "2024-05-01T12:34:56.789Z".
// The fixed width makes text order equal time order.
#include <chrono>
#include <optional>
#include <string>

namespace autodet::store {

using Clock = std::chrono::system_clock;

std::string iso8601_utc(Clock::time_point t);
// Reads "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt for anything else.
std::optional<Clock::time_point> parse_iso8601_utc(const std::string& s);
// Seconds from start to end (both ISO 8601); nullopt when either is empty or unreadable.
std::optional<double> seconds_between(const std::string& start, const std::string& end);

}  // namespace autodet::store
