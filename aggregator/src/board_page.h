// The status board's HTML: the fixed page (CSS, JS that draws tiles and the SVG graph from the
// board's JSON and polls /api/board) and the table shown to browsers without JavaScript.
#pragma once

#include <string>

#include "titip/aggregator/board.h"

namespace titip::aggregator {

// `json` must already be safe inside a <script> element (no '<').
std::string RenderPage(const std::string& json, const std::string& noscript_table);
std::string NoScriptTable(const Board& board);
// "5 menit lalu", "3 jam lalu", "belum pernah" (age < 0).
std::string AgeIndonesian(int64_t age_s);

}  // namespace titip::aggregator
