# cmake -DIMAGE=firmware.bin -P check_size.cmake: the image must be exactly 64 KiB.
file(SIZE "${IMAGE}" size)
if(NOT size EQUAL 65536)
  file(REMOVE "${IMAGE}")
  message(FATAL_ERROR "${IMAGE}: ${size} bytes, expected exactly 65536")
endif()
