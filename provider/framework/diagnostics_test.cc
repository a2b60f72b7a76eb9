// Tests for AttributePath rendering and Diagnostics (including Status conversion).
#include "provider/framework/diagnostics.h"

#include <gtest/gtest.h>

namespace adbjit::tf {
namespace {

TEST(AttributePathTest, ToStringRendersEachStepKind) {
  struct Case {
    AttributePath path;
    std::string want;
  };
  const Case cases[] = {
      {AttributePath(), ""},
      {AttributePath("name"), "name"},
      {AttributePath("keyvault_secret").Index(0).Attr("name"), "keyvault_secret[0].name"},
      {AttributePath("custom_tags").Key("team"), "custom_tags[\"team\"]"},
      {AttributePath("a").Key("q\"b\\").Attr("c"), "a[\"q\\\"b\\\\\"].c"},
      {AttributePath("disk_spec").Attr("disk_type").Attr("azure_disk_volume_type"),
       "disk_spec.disk_type.azure_disk_volume_type"},
      {AttributePath().Index(3), "[3]"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.path.ToString(), c.want);
}

TEST(AttributePathTest, BuildersDoNotMutateAndEqualityComparesSteps) {
  AttributePath base("a");
  AttributePath child = base.Attr("b");
  EXPECT_EQ(base.steps().size(), 1u);
  EXPECT_EQ(child.steps().size(), 2u);
  EXPECT_EQ(child, AttributePath("a").Attr("b"));
  EXPECT_FALSE(child == AttributePath("a").Key("b"));
  EXPECT_FALSE(AttributePath("a").Index(1) == AttributePath("a").Index(2));
  EXPECT_FALSE(base == child);
  EXPECT_TRUE(AttributePath().empty());
}

TEST(DiagnosticsTest, AccumulatesAndReportsErrors) {
  Diagnostics d;
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.HasError());
  d.AddWarning("Careful", "detail", AttributePath("x"));
  EXPECT_FALSE(d.HasError());
  Diagnostics other;
  other.AddError("Broken", "more");
  d.Append(other);
  ASSERT_EQ(d.items().size(), 2u);
  EXPECT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(d.items()[0].attribute, AttributePath("x"));
  EXPECT_EQ(d.items()[1].summary, "Broken");
  EXPECT_FALSE(d.items()[1].attribute.has_value());
}

TEST(DiagnosticsTest, ExplainErrorsFromAddsToLaterErrorsOnly) {
  Diagnostics d;
  d.AddError("Earlier", "before.");
  const size_t from = d.items().size();
  d.AddWarning("Careful", "a warning.");
  d.AddError("Later", "after.");
  d.AddError("Unfinished", "op: HTTP 500 (request id r-1)");
  d.ExplainErrorsFrom(from, " And so.");
  ASSERT_EQ(d.items().size(), 4u);
  EXPECT_EQ(d.items()[0].detail, "before.");
  EXPECT_EQ(d.items()[1].detail, "a warning.");
  EXPECT_EQ(d.items()[2].detail, "after. And so.");
  EXPECT_EQ(d.items()[3].detail, "op: HTTP 500 (request id r-1). And so.");
}

TEST(DiagnosticsTest, AddStatusIncludesMessageServiceCodeAndHttpStatus) {
  Diagnostics d;
  Status s = PermissionDeniedError("caller lacks secrets/set on vault kv1");
  s.WithHttpStatus(403).WithServiceCode("Forbidden").WithRequestId("req-7");
  d.AddStatus(s, "Cannot Write Secret", AttributePath("keyvault_secret").Attr("name"));
  ASSERT_EQ(d.items().size(), 1u);
  const Diagnostic& diag = d.items()[0];
  EXPECT_EQ(diag.severity, Diagnostic::Severity::kError);
  EXPECT_EQ(diag.summary, "Cannot Write Secret");
  EXPECT_EQ(diag.detail,
            "caller lacks secrets/set on vault kv1 (service error code Forbidden; HTTP status 403; request id "
            "req-7)");
  EXPECT_EQ(diag.attribute->ToString(), "keyvault_secret.name");
}

TEST(DiagnosticsTest, AddStatusDoesNotRepeatWhatTheMessageSays) {
  Diagnostics d;
  Status s = PermissionDeniedError("create token: HTTP 403 PERMISSION_DENIED: no entitlement");
  s.WithHttpStatus(403).WithServiceCode("PERMISSION_DENIED").WithRequestId("req-8");
  d.AddStatus(s, "Cannot create Databricks token");
  EXPECT_EQ(d.items()[0].detail, "create token: HTTP 403 PERMISSION_DENIED: no entitlement (request id req-8)");
  // A code the message does not give, or a status it does not name, is still added.
  Status other = PermissionDeniedError("set secret s: HTTP 403 Forbidden: denied");
  other.WithHttpStatus(403).WithServiceCode("ForbiddenByRbac");
  d.AddStatus(other, "Cannot write");
  EXPECT_EQ(d.items()[1].detail, "set secret s: HTTP 403 Forbidden: denied (service error code ForbiddenByRbac)");
}

TEST(DiagnosticsTest, AddStatusWithoutRemoteFacts) {
  Diagnostics d;
  d.AddStatus(UnavailableError("connection refused"), "Cannot Create Token");
  EXPECT_EQ(d.items()[0].detail, "connection refused");
  d.AddStatus(Status(StatusCode::kInternal, ""), "X");
  EXPECT_EQ(d.items()[1].detail, "INTERNAL");
}

}  // namespace
}  // namespace adbjit::tf
