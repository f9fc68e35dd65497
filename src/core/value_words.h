#pragma once
// How the job file spells values: booleans (R4.3), enum words in any case or PascalCase
// (§0.1), integers and numbers. Each parser returns nothing when the text is not that kind.
#include <optional>
#include <string>

namespace autodet {

// y, yes, t, true, on, 1 / n, no, f, false, off, 0, case-insensitive (YAML True/False included).
std::optional<bool> parse_bool_word(const std::string& text);
// Whole text is a decimal integer (or a number with no fraction, "4.0", "1e3") that fits an int.
std::optional<int> parse_int_word(const std::string& text);
// Whole text is a finite number ("0.01", "1e-4", ".5"); nan and inf are refused.
std::optional<double> parse_float_word(const std::string& text);
// Lower case, '-' and ' ' read as '_': "Coco_Voc" -> "coco_voc".
std::string lower_word(const std::string& text);
// PascalCase / camelCase -> snake_case as the Azure SDK does: "WarmupCosine" -> "warmup_cosine",
// "ExtraLarge" -> "extra_large", "MeanAveragePrecision" -> "mean_average_precision".
std::string camel_to_snake(const std::string& text);
// Byte offset of the first byte that is not part of valid UTF-8, or nothing when all is valid.
std::optional<std::size_t> invalid_utf8_at(const std::string& text);
// Shortest round-tripping text of a number ("0.01", not "0.01000000000000000021").
std::string number_text(double value);

}  // namespace autodet
