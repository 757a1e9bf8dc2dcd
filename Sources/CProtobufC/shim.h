// The protobuf-c runtime (BSD-2-Clause), from apt's libprotobuf-c-dev.
#include <protobuf-c/protobuf-c.h>
