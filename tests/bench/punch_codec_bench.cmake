# punch_codec_bench: bytes per punch of protobuf vs packed (raw and zstd) for realistic batches.
# Included from tests/bench/CMakeLists.txt; not run by ctest.
add_executable(punch_codec_bench punch_codec_bench.cc)
target_link_libraries(punch_codec_bench PRIVATE titip_punch_codec PkgConfig::ZSTD)
