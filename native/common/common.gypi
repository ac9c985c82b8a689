# Settings every addon shares, included by each package's binding.gyp ("includes": ["native/common/common.gypi"]).
# packages/<os>/native is the repo's native/ (a symlink) or, in a tarball, the copy npm pack ships.
{
  "target_defaults": {
    "include_dirs": ["."],
    "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
    "defines": ["NAPI_VERSION=8"],
    "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "10.15"
    },
    "msvs_settings": {
      "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/W3"], "ExceptionHandling": 1 }
    }
  }
}
