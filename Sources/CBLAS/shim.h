// OpenBLAS's CBLAS interface plus its thread-control entry points.
// Debian's libopenblas-dev puts cblas.h in an openblas-pthread include folder that pkg-config names.
#include <cblas.h>
