// libFuzzer entry point: decodes arbitrary bytes as msgpack and JSON against a few fixed types and
// re-encodes whatever decodes. Build with -fsanitize=fuzzer,address,undefined (not wired in CMake).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provider/framework/codec.h"

namespace {

using adbjit::tf::Type;

const std::vector<Type>& FuzzTypes() {
  static const auto* const kTypes = [] {
    Type inner = Type::Object({{"x", Type::String()}, {"y", Type::Set(Type::Number())}});
    return new std::vector<Type>{
        Type::Dynamic(),
        Type::Number(),
        Type::Object({{"created", Type::String()},
                      {"dyn", Type::Dynamic()},
                      {"id", Type::String()},
                      {"size", Type::Number()},
                      {"tags", Type::Map(Type::String())}}),
        Type::Object({{"l", Type::List(inner)},
                      {"m", Type::Map(Type::List(Type::Bool()))},
                      {"t", Type::Tuple({Type::String(), Type::Dynamic()})},
                      {"s", Type::Set(Type::Dynamic())}}),
    };
  }();
  return *kTypes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const Type& type : FuzzTypes()) {
    // Whatever decodes must re-encode, and encoding is a fixed point after one round (the first
    // one may normalise, e.g. resolve list(dynamic) to the concrete list(string)).
    auto m = adbjit::tf::DecodeMsgpack(input, type);
    if (m.ok()) {
      std::string first = adbjit::tf::EncodeMsgpack(*m, type);
      auto again = adbjit::tf::DecodeMsgpack(first, type);
      if (!again.ok() || adbjit::tf::EncodeMsgpack(*again, type) != first) __builtin_trap();
      (void)m->DebugString();
    }
    auto j = adbjit::tf::DecodeJson(input, type);
    if (j.ok()) {
      auto first = adbjit::tf::EncodeJson(*j, type);
      if (!first.ok()) __builtin_trap();  // JSON input holds no unknowns
      auto again = adbjit::tf::DecodeJson(*first, type);
      if (!again.ok()) __builtin_trap();
      auto second = adbjit::tf::EncodeJson(*again, type);
      if (!second.ok() || *second != *first) __builtin_trap();
    }
  }
  return 0;
}
