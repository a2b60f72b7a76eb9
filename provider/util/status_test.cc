#include "provider/util/status.h"

#include <gtest/gtest.h>

namespace adbjit {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  ADBJIT_ASSIGN_OR_RETURN(int h, Half(x));
  ADBJIT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ToStringCarriesServiceDetails) {
  Status s = NotFoundError("no pool");
  s.WithHttpStatus(404).WithServiceCode("RESOURCE_DOES_NOT_EXIST").Annotate("get pool");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: get pool: no pool [service code RESOURCE_DOES_NOT_EXIST, HTTP 404]");
}

TEST(StatusTest, ExplainAppendsAndKeepsTheServiceDetails) {
  Status s = NotFoundError("get token x: HTTP 404");
  s.WithHttpStatus(404).WithRequestId("req-1").Explain(" (a token id is 64 hexadecimal characters)");
  EXPECT_EQ(s.message(), "get token x: HTTP 404 (a token id is 64 hexadecimal characters)");
  EXPECT_EQ(s.http_status(), 404);
  EXPECT_EQ(s.request_id(), "req-1");
  EXPECT_EQ(Status::OK().Explain(" more").message(), "");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd");
}

}  // namespace
}  // namespace adbjit
