# titip_punch_codec: packs a batch of punches into the compact wire form (SPEC §5 "Bandwidth"),
# pure and bounded. Included from relay/CMakeLists.txt; paths are relative to relay/.
# GLOBAL so tests and benches in other directories can link the imported zstd target too.
if(NOT TARGET PkgConfig::ZSTD)
  pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET GLOBAL libzstd)
endif()
add_library(titip_punch_codec
  src/punch_codec.cc
  src/punch_codec_body.cc
)
target_include_directories(titip_punch_codec PUBLIC include PRIVATE src)
target_link_libraries(titip_punch_codec PUBLIC titip_common titip_proto PRIVATE PkgConfig::ZSTD)
