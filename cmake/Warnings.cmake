# Project-wide warning flags. -Werror is on by default (V2V_WERROR) and always in CI.
# No fast-math style flags anywhere: results on the ledger must not depend on unsafe FP rewrites.
set(V2V_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wdouble-promotion)
if(V2V_WERROR)
  list(APPEND V2V_WARNING_FLAGS -Werror)
endif()
# In a unity build every .cc is #included into one batch file, so GCC takes it for a header and
# warns when a class defined there holds a type from the file's anonymous namespace; that is
# right in a real header and meaningless here.
if(V2V_UNITY AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND V2V_WARNING_FLAGS -Wno-subobject-linkage)
endif()
