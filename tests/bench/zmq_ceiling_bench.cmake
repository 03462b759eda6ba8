# zmq_ceiling_bench: raw ZeroMQ DEALER→ROUTER over loopback TCP with a windowed ack, no
# persistence: the ceiling beside the custody mesh figures (run_mesh_bench.sh). Included from
# tests/bench/CMakeLists.txt; not run by ctest.
add_executable(zmq_ceiling_bench zmq_ceiling_bench.cc)
target_link_libraries(zmq_ceiling_bench PRIVATE cppzmq Threads::Threads)
