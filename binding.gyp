{
  "targets": [
    {
      "target_name": "kiln",
      "sources": [
        "native/kiln.c",
        "native/threadpool.c",
        "native/alloc.c",
        "native/gemm.c",
        "native/elementwise.c",
        "native/window.c",
        "native/gather.c",
        "native/copy.c",
        "native/softmax.c",
        "native/isa_scalar.c",
        "native/isa_sse2.c",
        "native/isa_avx2.c",
        "native/isa_avx512.c"
      ],
      "cflags": ["-O3", "-std=gnu11", "-fomit-frame-pointer", "-fvisibility=hidden", "-Wno-unused-function"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CFLAGS": ["-std=gnu11", "-Wno-unused-function"]
      }
    }
  ]
}
