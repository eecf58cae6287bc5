#pragma once
// The dashboard's pages, scripts and style sheet: web/ (TypeScript, npm) built at build time and
// embedded into the binary (cmake/EmbedWeb.cmake writes web_assets.cpp): nothing to install
// beside `tote`.
#include <string_view>

namespace tote {

struct WebAsset {
    std::string_view path;          // URL path: "/", "/app.js", "/app.css"
    std::string_view content_type;  // "text/html; charset=utf-8", ...
    std::string_view body;
};

// nullptr when no asset has this path.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace tote
