# V2V_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer; CI runs
# the unit tests once in that configuration.
if(V2V_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
