// Tests for ProviderServer: every RPC through msgpack bytes against an in-test fake provider.
#include "provider/framework/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "provider/framework/codec.h"
#include "provider/framework/plan.h"
#include "provider/framework/validators.h"

namespace adbjit::tf {
namespace {

using std::chrono::system_clock;

const Type S = Type::String();
const Type N = Type::Number();

// --- the fake provider ---

struct FakeData : ProviderData {
  explicit FakeData(std::string e) : endpoint(std::move(e)) {}
  // Data configured for an endpoint named "open..." holds something only Shutdown undoes.
  bool NeedsShutdown() const override { return endpoint.starts_with("https://open"); }
  std::string endpoint;
};

// Records calls; shared by the fakes and inspected by the tests.
class CallLog {
 public:
  void Add(std::string entry) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(entry));
  }
  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(entries_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::string> entries_;
};

std::string EndpointOf(const CallContext& ctx) {
  return ctx.provider ? static_cast<const FakeData&>(*ctx.provider).endpoint : "<unconfigured>";
}

Schema WidgetSchema() {
  return Schema{.version = 2,
                .block = {.attributes = {{.name = "id", .type = S, .computed = true, .use_state_for_unknown = true},
                                         {.name = "name", .type = S, .required = true, .requires_replace = true},
                                         {.name = "size", .type = N, .optional = true, .computed = true,
                                          .default_value = Value::Int(1),
                                          .validators = {validators::IntAtLeast(1)}},
                                         {.name = "secret", .type = S, .optional = true, .sensitive = true,
                                          .write_only = true},
                                         {.name = "etag", .type = S, .computed = true}}}};
}

const Type kWidgetT = WidgetSchema().ImpliedType();

// A resource whose behaviour is steered by its "name": "tainted", "fail", "throw", "throw-int",
// "nostate", "unknown", "leak". Read reports id "gone" as deleted.
class Widget : public Resource {
 public:
  explicit Widget(CallLog* log) : log_(log) {}
  std::string TypeName() const override { return "fake_widget"; }
  const Schema& GetSchema() const override { return schema_; }

  void ValidateConfig(const CallContext& ctx, const Value& config, Diagnostics& diags) const override {
    if (config.Attr("name") == Value::String("reserved")) {
      diags.AddError("Reserved Name", "pick another", AttributePath("name"));
    }
  }

  void ModifyPlan(const CallContext& ctx, const PlanRequest& req, PlanResponse& resp) const override {
    if (req.config.Attr("name") == Value::String("throw-plan")) throw std::runtime_error("plan exploded");
    resp.planned_private = "planned:" + req.prior_private;
    if (req.config.Attr("name") == Value::String("leak")) {
      resp.planned_state = resp.planned_state.WithAttr("secret", Value::String("leaked"));
    }
    if (req.config.Attr("name") == Value::String("rotate")) {
      resp.planned_state = MarkComputedUnknown(schema_, resp.planned_state, req.config);
      resp.requires_replace.push_back(AttributePath("id"));
      resp.requires_replace.push_back(AttributePath("id"));
    }
  }

  void Create(const CallContext& ctx, const ApplyRequest& req, ApplyResponse& resp) const override {
    const std::string name = *req.planned_state.Attr("name").GetString();
    log_->Add("create " + name + " secret=" + req.config.Attr("secret").GetString().value_or("null") +
              " endpoint=" + EndpointOf(ctx) + " private=" + req.planned_private);
    if (name == "throw") throw std::runtime_error("boom");
    if (name == "throw-int") throw 42;
    if (name == "fail") {
      resp.diagnostics.AddError("Cannot Create Widget", "quota exceeded");
      return;
    }
    if (name == "nostate") return;
    Value state = req.planned_state.WithAttr("id", Value::String("w-" + name));
    if (name != "unknown") state = state.WithAttr("etag", Value::String("e1"));
    if (name == "leak") state = state.WithAttr("secret", Value::String("leaked"));
    resp.new_state = state;
    resp.private_data = "created";
    if (name == "tainted") resp.diagnostics.AddError("Cannot Finish Widget", "tagging failed");
  }

  void Read(const CallContext& ctx, const ReadRequest& req, ReadResponse& resp) const override {
    const std::string id = *req.current_state.Attr("id").GetString();
    log_->Add("read " + id + " private=" + req.private_data);
    if (id == "gone") return;
    if (id == "flaky") {
      resp.diagnostics.AddError("Cannot Read Widget", "timeout");
      return;
    }
    resp.new_state = req.current_state.WithAttr("etag", Value::String("fresh"));
    if (req.private_data == "replace") resp.private_data = "replaced";
  }

  void Update(const CallContext& ctx, const ApplyRequest& req, ApplyResponse& resp) const override {
    log_->Add("update " + *req.prior_state.Attr("id").GetString());
    resp.new_state = req.planned_state.WithAttr("etag", Value::String("e2"));
  }

  void Delete(const CallContext& ctx, const ApplyRequest& req, ApplyResponse& resp) const override {
    log_->Add("delete " + *req.prior_state.Attr("id").GetString());
    resp.new_state = req.prior_state;  // ignored by the server unless the delete failed
    if (req.prior_state.Attr("name") == Value::String("stuck")) {
      resp.diagnostics.AddError("Cannot Delete Widget", "half done");
      resp.private_data = "delete-pending";
    }
  }

  void Import(const CallContext& ctx, const ImportRequest& req, ImportResponse& resp) const override {
    if (req.id == "missing") {
      resp.diagnostics.AddError("Cannot Import Widget", "no such widget");
      return;
    }
    if (req.id == "null") return;
    resp.state = Value::Object(kWidgetT, {{"id", Value::String(req.id)}});
    resp.private_data = "imported";
  }

  // From "other_gadget", whose "label" is the widget's name.
  void MoveState(const CallContext& ctx, const MoveRequest& req, MoveResponse& resp) const override {
    if (req.source_type_name != "other_gadget") return Resource::MoveState(ctx, req, resp);
    nlohmann::json j = nlohmann::json::parse(req.source_state_json);
    if (!j.contains("id")) return;  // a bug: no state
    resp.state = Value::Object(kWidgetT, {{"id", Value::String(j["id"].get<std::string>())},
                                          {"name", Value::String(j["label"].get<std::string>())}});
    resp.private_data = "moved from " + req.source_provider_address;
  }

  // Version 1 called the name "title".
  void UpgradeState(const CallContext& ctx, const UpgradeRequest& req, UpgradeResponse& resp) const override {
    if (req.version != 1) return Resource::UpgradeState(ctx, req, resp);
    nlohmann::json j = nlohmann::json::parse(req.raw_json);
    resp.state = Value::Object(kWidgetT, {{"id", Value::String(j["id"].get<std::string>())},
                                          {"name", Value::String(j["title"].get<std::string>())},
                                          {"size", Value::Int(1)}});
  }

 private:
  Schema schema_ = WidgetSchema();
  CallLog* log_;
};

// The defaults of Resource::Import, MoveState and UpgradeState.
class Plain : public Resource {
 public:
  std::string TypeName() const override { return "fake_plain"; }
  const Schema& GetSchema() const override { return schema_; }
  void Create(const CallContext&, const ApplyRequest&, ApplyResponse&) const override {}
  void Read(const CallContext&, const ReadRequest&, ReadResponse&) const override {}
  void Update(const CallContext&, const ApplyRequest&, ApplyResponse&) const override {}
  void Delete(const CallContext&, const ApplyRequest&, ApplyResponse&) const override {}

 private:
  Schema schema_{.version = 1, .block = {.attributes = {{.name = "id", .type = S, .computed = true}}}};
};

class Info : public DataSource {
 public:
  std::string TypeName() const override { return "fake_info"; }
  const Schema& GetSchema() const override { return schema_; }
  void Read(const CallContext& ctx, const DataReadRequest& req, DataReadResponse& resp) const override {
    if (req.config.Attr("name") == Value::String("none")) return;
    resp.state = req.config.WithAttr("endpoint", Value::String(EndpointOf(ctx)));
  }

 private:
  Schema schema_{.block = {.attributes = {{.name = "name", .type = S, .required = true},
                                          {.name = "endpoint", .type = S, .computed = true}}}};
};

class Token : public EphemeralResource {
 public:
  explicit Token(CallLog* log) : log_(log) {}
  std::string TypeName() const override { return "fake_token"; }
  const Schema& GetSchema() const override { return schema_; }
  void Open(const CallContext& ctx, const OpenRequest& req, OpenResponse& resp) const override {
    // lifetime 0 stands for "configuration not known yet": the value stays unknown.
    bool planning = req.config.Attr("lifetime") == Value::Int(0);
    resp.result = req.config.WithAttr("value", planning ? Value::Unknown(S) : Value::String("tok"));
    resp.private_data = "open-private";
    resp.renew_at = system_clock::time_point(std::chrono::seconds(1700000000));
  }
  void Renew(const CallContext& ctx, const RenewRequest& req, RenewResponse& resp) const override {
    log_->Add("renew " + req.private_data);
    if (req.private_data == "rotate") resp.private_data = "rotated";
    resp.renew_at = system_clock::time_point(std::chrono::seconds(1700000100));
  }
  void Close(const CallContext& ctx, const CloseRequest& req, CloseResponse& resp) const override {
    log_->Add("close " + req.private_data);
  }

 private:
  Schema schema_{.block = {.attributes = {{.name = "lifetime", .type = N, .optional = true,
                                           .validators = {validators::IntAtLeast(60)}},
                                          {.name = "value", .type = S, .computed = true, .sensitive = true}}}};
  CallLog* log_;
};

class FakeProvider : public Provider {
 public:
  std::string TypeName() const override { return "fake"; }
  std::string Version() const override { return "1.2.3"; }
  const Schema& GetSchema() const override { return schema_; }
  void ValidateConfig(const Value& config, Diagnostics& diags) const override {
    if (config.Attr("endpoint") == Value::String("https://forbidden")) diags.AddError("Forbidden", "no");
  }
  void Configure(const ConfigureRequest& req, ConfigureResponse& resp) const override {
    const Value& endpoint = req.config.Attr("endpoint");
    if (endpoint == Value::String("https://fail")) {
      resp.diagnostics.AddError("Cannot Configure", "bad endpoint");
      return;
    }
    resp.data = std::make_shared<FakeData>(endpoint.GetString().value_or("<unknown>"));
  }
  void Stop(const std::shared_ptr<ProviderData>& data) const override {
    if (stop_throws) throw std::runtime_error("stop failed");
    log.Add("stop " + (data ? static_cast<const FakeData&>(*data).endpoint : "<none>"));
  }
  void Shutdown(const std::shared_ptr<ProviderData>& data) const override {
    log.Add("shutdown " + (data ? static_cast<const FakeData&>(*data).endpoint : "<none>"));
  }
  std::vector<std::shared_ptr<const Resource>> Resources() const override {
    return {std::make_shared<Widget>(&log), std::make_shared<Plain>()};
  }
  std::vector<std::shared_ptr<const EphemeralResource>> EphemeralResources() const override {
    return {std::make_shared<Token>(&log)};
  }
  std::vector<std::shared_ptr<const DataSource>> DataSources() const override {
    return {std::make_shared<Info>()};
  }

  mutable CallLog log;
  std::atomic<bool> stop_throws{false};

 private:
  Schema schema_{.block = {.attributes = {{.name = "endpoint", .type = S, .optional = true,
                                           .validators = {validators::HttpsUrlOrLoopback()}}}}};
};

// --- helpers ---

DynamicValue Mp(const Value& v, const Type& t) { return DynamicValue{EncodeMsgpack(v, t), ""}; }

Value Dec(const DynamicValue& dv, const Type& t) {
  StatusOr<Value> v = DecodeMsgpack(dv.msgpack, t);
  EXPECT_TRUE(v.ok()) << v.status().message();
  return v.ok() ? *v : Value();
}

Value WidgetValue(std::map<std::string, Value> attrs) { return Value::Object(kWidgetT, std::move(attrs)); }

std::string Summaries(const Diagnostics& d) {
  std::string out;
  for (const Diagnostic& x : d.items()) {
    out += (out.empty() ? "" : " | ") + x.summary + ": " + x.detail;
  }
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : provider_(std::make_shared<FakeProvider>()), server_(provider_) {}

  void Configure(const std::string& endpoint, ClientCapabilities caps = {}) {
    Type t = provider_->GetSchema().ImpliedType();
    Diagnostics d = server_.ConfigureProvider(
        "1.11.4", Mp(Value::Object(t, {{"endpoint", Value::String(endpoint)}}), t), caps);
    ASSERT_FALSE(d.HasError()) << Summaries(d);
  }

  // Plans and applies a create of `config`; returns the apply result.
  ProviderServer::ApplyResult CreateWidget(const Value& config) {
    ProviderServer::PlanResult plan = server_.PlanResourceChange(
        "fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), Mp(config, kWidgetT), Mp(config, kWidgetT), "", {});
    EXPECT_FALSE(plan.diagnostics.HasError()) << Summaries(plan.diagnostics);
    return server_.ApplyResourceChange("fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), plan.planned_state,
                                       Mp(config, kWidgetT), plan.planned_private);
  }

  std::shared_ptr<FakeProvider> provider_;
  ProviderServer server_;
};

TEST_F(ServerTest, GetSchemasListsEveryType) {
  ProviderServer::Schemas s = server_.GetSchemas();
  EXPECT_EQ(s.provider, &provider_->GetSchema());
  EXPECT_EQ(s.resources.size(), 2u);
  ASSERT_TRUE(s.resources.count("fake_widget"));
  EXPECT_EQ(s.resources.at("fake_widget")->version, 2);
  EXPECT_TRUE(s.data_sources.count("fake_info"));
  EXPECT_TRUE(s.ephemeral_resources.count("fake_token"));
}

TEST_F(ServerTest, ProviderConfigFromWireBytes) {
  // {endpoint = "http://127.0.0.1:1"} exactly as Terraform 1.11 sends it.
  const std::string bytes = std::string("\x81\xa8") + "endpoint" + "\xb2" + "http://127.0.0.1:1";
  EXPECT_TRUE(server_.ValidateProviderConfig(DynamicValue{bytes, ""}).empty());
  Type t = provider_->GetSchema().ImpliedType();
  Diagnostics bad = server_.ValidateProviderConfig(
      Mp(Value::Object(t, {{"endpoint", Value::String("http://example.com")}}), t));
  ASSERT_EQ(bad.items().size(), 1u);
  EXPECT_EQ(bad.items()[0].attribute, AttributePath("endpoint"));
  Diagnostics hook = server_.ValidateProviderConfig(
      Mp(Value::Object(t, {{"endpoint", Value::String("https://forbidden")}}), t));
  EXPECT_EQ(Summaries(hook), "Forbidden: no");
  EXPECT_TRUE(server_.ConfigureProvider("1.11.4", DynamicValue{bytes, ""}, {}).empty());
}

TEST_F(ServerTest, MalformedBytesBecomeDiagnostics) {
  Diagnostics d = server_.ValidateResourceConfig("fake_widget", DynamicValue{"\x93\x01", ""}, {});
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].summary, "Invalid resource configuration");
  ProviderServer::PlanResult p =
      server_.PlanResourceChange("fake_widget", DynamicValue{"\xc1", ""}, DynamicValue{"\xc1", ""},
                                 DynamicValue{"", "{"}, "", {});
  EXPECT_TRUE(p.diagnostics.HasError());
}

TEST_F(ServerTest, UnknownTypeNames) {
  const DynamicValue nil{"\xc0", ""};
  EXPECT_EQ(server_.ValidateResourceConfig("fake_nope", nil, {}).items()[0].summary, "Unknown resource type");
  EXPECT_TRUE(server_.PlanResourceChange("fake_nope", nil, nil, nil, "", {}).diagnostics.HasError());
  EXPECT_TRUE(server_.ApplyResourceChange("fake_nope", nil, nil, nil, "").diagnostics.HasError());
  EXPECT_TRUE(server_.ReadResource("fake_nope", nil, "", {}).diagnostics.HasError());
  EXPECT_TRUE(server_.ImportResourceState("fake_nope", "x", {}).diagnostics.HasError());
  EXPECT_TRUE(server_.UpgradeResourceState("fake_nope", 0, "{}").diagnostics.HasError());
  EXPECT_EQ(server_.ReadDataSource("fake_widget", nil, {}).diagnostics.items()[0].summary,
            "Unknown data source type");
  EXPECT_TRUE(server_.ValidateDataResourceConfig("nope", nil).HasError());
  EXPECT_EQ(server_.OpenEphemeralResource("fake_widget", nil, {}).diagnostics.items()[0].summary,
            "Unknown ephemeral resource type");
  EXPECT_TRUE(server_.ValidateEphemeralResourceConfig("nope", nil).HasError());
  EXPECT_TRUE(server_.RenewEphemeralResource("nope", std::nullopt).diagnostics.HasError());
  EXPECT_TRUE(server_.CloseEphemeralResource("nope", std::nullopt).HasError());
}

TEST_F(ServerTest, ValidateResourceConfigRunsSchemaThenHookAndGatesWriteOnly) {
  Value config = WidgetValue({{"name", Value::String("reserved")}, {"size", Value::Int(0)},
                         {"secret", Value::String("pw")}});
  Diagnostics d = server_.ValidateResourceConfig("fake_widget", Mp(config, kWidgetT), {});
  ASSERT_EQ(d.items().size(), 3u) << Summaries(d);
  EXPECT_EQ(d.items()[0].attribute, AttributePath("size"));
  EXPECT_EQ(d.items()[1].attribute, AttributePath("secret"));
  EXPECT_NE(d.items()[1].detail.find("requires Terraform 1.11 or later"), std::string::npos);
  EXPECT_EQ(d.items()[2].summary, "Reserved Name");

  ClientCapabilities caps{.write_only_attributes_allowed = true};
  config = WidgetValue({{"name", Value::String("ok")}, {"secret", Value::String("pw")}});
  EXPECT_TRUE(server_.ValidateResourceConfig("fake_widget", Mp(config, kWidgetT), caps).empty());
}

TEST_F(ServerTest, CreateDispatchesAndNullsWriteOnly) {
  Configure("https://api");
  Value config = WidgetValue({{"name", Value::String("a")}, {"secret", Value::String("pw")}});
  ProviderServer::PlanResult plan = server_.PlanResourceChange(
      "fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), Mp(config, kWidgetT), Mp(config, kWidgetT), "", {});
  ASSERT_FALSE(plan.diagnostics.HasError()) << Summaries(plan.diagnostics);
  Value planned = Dec(plan.planned_state, kWidgetT);
  EXPECT_FALSE(planned.Attr("id").IsKnown());
  EXPECT_EQ(planned.Attr("size"), Value::Int(1));
  EXPECT_TRUE(planned.Attr("secret").IsNull());
  EXPECT_EQ(plan.planned_private, "planned:");
  // The create half of a replacement comes with the replaced object's private data: not the new one's.
  EXPECT_EQ(server_
                .PlanResourceChange("fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), Mp(config, kWidgetT),
                                    Mp(config, kWidgetT), "revoked", {})
                .planned_private,
            "planned:");

  ProviderServer::ApplyResult apply =
      server_.ApplyResourceChange("fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), plan.planned_state,
                                  Mp(config, kWidgetT), plan.planned_private);
  ASSERT_FALSE(apply.diagnostics.HasError()) << Summaries(apply.diagnostics);
  EXPECT_EQ(Dec(apply.new_state, kWidgetT), WidgetValue({{"id", Value::String("w-a")},
                                                     {"name", Value::String("a")},
                                                     {"size", Value::Int(1)},
                                                     {"etag", Value::String("e1")}}));
  EXPECT_EQ(apply.private_data, "created");
  EXPECT_EQ(provider_->log.Take(),
            std::vector<std::string>{"create a secret=pw endpoint=https://api private=planned:"});
}

TEST_F(ServerTest, UpdateAndDeleteDispatch) {
  Configure("https://api");
  Value prior = WidgetValue({{"id", Value::String("w-a")}, {"name", Value::String("a")}, {"size", Value::Int(1)},
                        {"etag", Value::String("e1")}});
  Value config = WidgetValue({{"name", Value::String("a")}, {"size", Value::Int(5)}});
  Value proposed = config.WithAttr("id", Value::String("w-a")).WithAttr("etag", Value::String("e1"));
  ProviderServer::PlanResult plan = server_.PlanResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(proposed, kWidgetT), Mp(config, kWidgetT), "p0", {});
  ASSERT_FALSE(plan.diagnostics.HasError());
  Value planned = Dec(plan.planned_state, kWidgetT);
  EXPECT_EQ(planned.Attr("id"), Value::String("w-a"));
  EXPECT_FALSE(planned.Attr("etag").IsKnown());
  EXPECT_TRUE(plan.requires_replace.empty());
  EXPECT_EQ(plan.planned_private, "planned:p0");

  ProviderServer::ApplyResult update = server_.ApplyResourceChange(
      "fake_widget", Mp(prior, kWidgetT), plan.planned_state, Mp(config, kWidgetT), plan.planned_private);
  ASSERT_FALSE(update.diagnostics.HasError());
  EXPECT_EQ(Dec(update.new_state, kWidgetT).Attr("etag"), Value::String("e2"));
  EXPECT_EQ(update.private_data, "planned:p0");  // the hook kept the planned private data

  ProviderServer::ApplyResult del = server_.ApplyResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(Value::Null(kWidgetT), kWidgetT), Mp(Value::Null(kWidgetT), kWidgetT),
      "");
  EXPECT_FALSE(del.diagnostics.HasError());
  EXPECT_EQ(del.new_state.msgpack, "\xc0");
  EXPECT_EQ(provider_->log.Take(), (std::vector<std::string>{"update w-a", "delete w-a"}));
}

// A failed delete that keeps the object hands Terraform its state and private data, so that the
// next run knows the delete is unfinished; a successful one answers null whatever the hook left.
TEST_F(ServerTest, FailedDeleteKeepsStateAndPrivateData) {
  Configure("https://api");
  Value prior = WidgetValue({{"id", Value::String("w-s")}, {"name", Value::String("stuck")},
                             {"size", Value::Int(1)}, {"etag", Value::String("e1")}});
  ProviderServer::ApplyResult del = server_.ApplyResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(Value::Null(kWidgetT), kWidgetT), Mp(Value::Null(kWidgetT), kWidgetT),
      "p0");
  EXPECT_TRUE(del.diagnostics.HasError());
  EXPECT_EQ(Dec(del.new_state, kWidgetT), prior);
  EXPECT_EQ(del.private_data, "delete-pending");
  EXPECT_EQ(provider_->log.Take(), std::vector<std::string>{"delete w-s"});
}

TEST_F(ServerTest, PlanNoOpDestroyAndReplace) {
  Value prior = WidgetValue({{"id", Value::String("w-a")}, {"name", Value::String("a")}, {"size", Value::Int(1)},
                        {"etag", Value::String("e1")}});
  Value config = WidgetValue({{"name", Value::String("a")}});
  ProviderServer::PlanResult noop = server_.PlanResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(prior, kWidgetT), Mp(config, kWidgetT), "", {});
  EXPECT_EQ(noop.planned_state.msgpack, EncodeMsgpack(prior, kWidgetT));

  ProviderServer::PlanResult destroy = server_.PlanResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(Value::Null(kWidgetT), kWidgetT), Mp(Value::Null(kWidgetT), kWidgetT),
      "", {});
  EXPECT_EQ(destroy.planned_state.msgpack, "\xc0");
  EXPECT_TRUE(destroy.planned_private.empty());

  config = WidgetValue({{"name", Value::String("b")}});
  Value proposed = prior.WithAttr("name", Value::String("b"));
  ProviderServer::PlanResult replace = server_.PlanResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(proposed, kWidgetT), Mp(config, kWidgetT), "", {});
  ASSERT_EQ(replace.requires_replace.size(), 1u);
  EXPECT_EQ(replace.requires_replace[0], AttributePath("name"));

  // A hook that replaces: its paths are deduplicated, computed values unknown.
  config = WidgetValue({{"name", Value::String("rotate")}});
  proposed = prior.WithAttr("name", Value::String("rotate"));
  ProviderServer::PlanResult rotate = server_.PlanResourceChange(
      "fake_widget", Mp(prior, kWidgetT), Mp(proposed, kWidgetT), Mp(config, kWidgetT), "", {});
  EXPECT_EQ(rotate.requires_replace.size(), 2u);  // name and id
  EXPECT_FALSE(Dec(rotate.planned_state, kWidgetT).Attr("id").IsKnown());
}

TEST_F(ServerTest, PlanEnforcesWriteOnlyNull) {
  Value config = WidgetValue({{"name", Value::String("leak")}, {"secret", Value::String("pw")}});
  ProviderServer::PlanResult plan = server_.PlanResourceChange(
      "fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), Mp(config, kWidgetT), Mp(config, kWidgetT), "", {});
  ASSERT_FALSE(plan.diagnostics.HasError());
  EXPECT_TRUE(Dec(plan.planned_state, kWidgetT).Attr("secret").IsNull());

  ProviderServer::ApplyResult apply = CreateWidget(config);
  EXPECT_FALSE(apply.diagnostics.HasError());
  EXPECT_TRUE(Dec(apply.new_state, kWidgetT).Attr("secret").IsNull());
}

TEST_F(ServerTest, CreateFailures) {
  // Errors with a state: kept, so Terraform saves it tainted.
  ProviderServer::ApplyResult tainted = CreateWidget(WidgetValue({{"name", Value::String("tainted")}}));
  EXPECT_EQ(Summaries(tainted.diagnostics), "Cannot Finish Widget: tagging failed");
  EXPECT_EQ(Dec(tainted.new_state, kWidgetT).Attr("id"), Value::String("w-tainted"));

  // Errors without a state: null.
  ProviderServer::ApplyResult failed = CreateWidget(WidgetValue({{"name", Value::String("fail")}}));
  EXPECT_EQ(Summaries(failed.diagnostics), "Cannot Create Widget: quota exceeded");
  EXPECT_EQ(failed.new_state.msgpack, "\xc0");

  // No errors and no state: an error of its own.
  ProviderServer::ApplyResult nostate = CreateWidget(WidgetValue({{"name", Value::String("nostate")}}));
  ASSERT_TRUE(nostate.diagnostics.HasError());
  EXPECT_EQ(nostate.diagnostics.items()[0].summary, "Provider returned no state");
  EXPECT_EQ(nostate.new_state.msgpack, "\xc0");

  // Unknowns left behind: replaced by null, named in an error.
  ProviderServer::ApplyResult unknown = CreateWidget(WidgetValue({{"name", Value::String("unknown")}}));
  ASSERT_EQ(unknown.diagnostics.items().size(), 1u);
  EXPECT_EQ(unknown.diagnostics.items()[0].attribute, AttributePath("etag"));
  Value state = Dec(unknown.new_state, kWidgetT);
  EXPECT_TRUE(state.IsWhollyKnown());
  EXPECT_TRUE(state.Attr("etag").IsNull());
}

TEST_F(ServerTest, ExceptionsBecomeDiagnostics) {
  ProviderServer::ApplyResult boom = CreateWidget(WidgetValue({{"name", Value::String("throw")}}));
  ASSERT_EQ(boom.diagnostics.items().size(), 1u);
  EXPECT_EQ(boom.diagnostics.items()[0].summary, "Internal provider error");
  EXPECT_NE(boom.diagnostics.items()[0].detail.find("boom"), std::string::npos);
  EXPECT_NE(boom.diagnostics.items()[0].detail.find("ApplyResourceChange"), std::string::npos);

  ProviderServer::ApplyResult int_throw = CreateWidget(WidgetValue({{"name", Value::String("throw-int")}}));
  EXPECT_EQ(int_throw.diagnostics.items()[0].summary, "Internal provider error");

  Value config = WidgetValue({{"name", Value::String("throw-plan")}});
  ProviderServer::PlanResult plan = server_.PlanResourceChange(
      "fake_widget", Mp(Value::Null(kWidgetT), kWidgetT), Mp(config, kWidgetT), Mp(config, kWidgetT), "", {});
  EXPECT_NE(Summaries(plan.diagnostics).find("plan exploded"), std::string::npos);

  provider_->stop_throws = true;
  EXPECT_NE(server_.StopProvider().find("stop failed"), std::string::npos);
}

TEST_F(ServerTest, ReadResource) {
  Value state = WidgetValue({{"id", Value::String("w-1")}, {"name", Value::String("a")}, {"size", Value::Int(1)}});
  ProviderServer::ReadResult fresh = server_.ReadResource("fake_widget", Mp(state, kWidgetT), "keep", {});
  ASSERT_FALSE(fresh.diagnostics.HasError());
  EXPECT_EQ(Dec(fresh.new_state, kWidgetT).Attr("etag"), Value::String("fresh"));
  EXPECT_EQ(fresh.private_data, "keep");  // the hook left it empty: the request's is kept

  ProviderServer::ReadResult replaced = server_.ReadResource("fake_widget", Mp(state, kWidgetT), "replace", {});
  EXPECT_EQ(replaced.private_data, "replaced");

  Value gone_state = state.WithAttr("id", Value::String("gone"));
  ProviderServer::ReadResult gone = server_.ReadResource("fake_widget", Mp(gone_state, kWidgetT), "", {});
  EXPECT_FALSE(gone.diagnostics.HasError());
  EXPECT_EQ(gone.new_state.msgpack, "\xc0");

  // A failed read never reports the object as gone.
  Value flaky_state = state.WithAttr("id", Value::String("flaky"));
  ProviderServer::ReadResult flaky = server_.ReadResource("fake_widget", Mp(flaky_state, kWidgetT), "x", {});
  EXPECT_TRUE(flaky.diagnostics.HasError());
  EXPECT_EQ(Dec(flaky.new_state, kWidgetT), flaky_state);
}

TEST_F(ServerTest, ImportResourceState) {
  ProviderServer::ImportResult ok = server_.ImportResourceState("fake_widget", "w-9", {});
  ASSERT_FALSE(ok.diagnostics.HasError());
  EXPECT_EQ(ok.type_name, "fake_widget");
  EXPECT_EQ(Dec(ok.state, kWidgetT).Attr("id"), Value::String("w-9"));
  EXPECT_EQ(ok.private_data, "imported");

  EXPECT_EQ(Summaries(server_.ImportResourceState("fake_widget", "missing", {}).diagnostics),
            "Cannot Import Widget: no such widget");
  ProviderServer::ImportResult null_state = server_.ImportResourceState("fake_widget", "null", {});
  EXPECT_EQ(null_state.diagnostics.items()[0].summary, "Import returned no state");
  EXPECT_TRUE(null_state.state.empty());

  ProviderServer::ImportResult unsupported = server_.ImportResourceState("fake_plain", "x", {});
  EXPECT_EQ(unsupported.diagnostics.items()[0].summary, "Import not supported");
}

TEST_F(ServerTest, UpgradeResourceState) {
  // Same version: decoded as the current schema (missing attributes become null).
  ProviderServer::UpgradeResult same =
      server_.UpgradeResourceState("fake_widget", 2, R"({"id":"w-1","name":"a","size":100000000000000000000001})");
  ASSERT_FALSE(same.diagnostics.HasError()) << Summaries(same.diagnostics);
  Value v = Dec(same.upgraded_state, kWidgetT);
  EXPECT_EQ(v.Attr("size").AsNumber().ToString(), "100000000000000000000001");
  EXPECT_TRUE(v.Attr("etag").IsNull());

  // Older version with an upgrader.
  ProviderServer::UpgradeResult old = server_.UpgradeResourceState("fake_widget", 1, R"({"id":"w-1","title":"t"})");
  ASSERT_FALSE(old.diagnostics.HasError()) << Summaries(old.diagnostics);
  EXPECT_EQ(Dec(old.upgraded_state, kWidgetT).Attr("name"), Value::String("t"));

  // Older version without one, newer version, and bad JSON.
  ProviderServer::UpgradeResult none = server_.UpgradeResourceState("fake_widget", 0, "{}");
  EXPECT_NE(Summaries(none.diagnostics).find("no upgrader"), std::string::npos);
  ProviderServer::UpgradeResult newer = server_.UpgradeResourceState("fake_widget", 3, "{}");
  EXPECT_NE(Summaries(newer.diagnostics).find("written by a newer provider version"), std::string::npos);
  ProviderServer::UpgradeResult bad = server_.UpgradeResourceState("fake_widget", 2, R"({"nope":1})");
  EXPECT_TRUE(bad.diagnostics.HasError());
  EXPECT_TRUE(bad.upgraded_state.empty());
}

TEST_F(ServerTest, MoveResourceState) {
  const std::string other = "registry.terraform.io/example/other";
  ProviderServer::MoveResult moved =
      server_.MoveResourceState("fake_widget", MoveRequest{other, "other_gadget", 0, R"({"id":"g-1","label":"a"})", ""});
  ASSERT_FALSE(moved.diagnostics.HasError()) << Summaries(moved.diagnostics);
  Value v = Dec(moved.target_state, kWidgetT);
  EXPECT_EQ(v.Attr("id"), Value::String("g-1"));
  EXPECT_EQ(v.Attr("name"), Value::String("a"));
  EXPECT_EQ(moved.target_private, "moved from " + other);

  ProviderServer::MoveResult no_state = server_.MoveResourceState("fake_widget", MoveRequest{other, "other_gadget", 0, "{}", ""});
  EXPECT_EQ(no_state.diagnostics.items()[0].summary, "Move returned no state");
  EXPECT_TRUE(no_state.target_state.empty());

  ProviderServer::MoveResult unsupported =
      server_.MoveResourceState("fake_plain", MoveRequest{other, "other_gadget", 0, R"({"id":"g-1"})", ""});
  EXPECT_EQ(unsupported.diagnostics.items()[0].summary, "Move not supported");
  EXPECT_NE(unsupported.diagnostics.items()[0].detail.find("other_gadget"), std::string::npos);
  EXPECT_TRUE(server_.MoveResourceState("fake_nope", MoveRequest{other, "other_gadget", 0, "{}", ""})
                  .diagnostics.HasError());
}

TEST(ResourceDefaultsTest, UpgradeStateVersionChecks) {
  Plain plain;
  UpgradeResponse newer;
  plain.UpgradeState({}, UpgradeRequest{2, "{}"}, newer);
  EXPECT_NE(Summaries(newer.diagnostics).find("written by a newer provider version"), std::string::npos);
  UpgradeResponse same;
  plain.UpgradeState({}, UpgradeRequest{1, R"({"id":"x"})"}, same);
  EXPECT_FALSE(same.diagnostics.HasError());
  EXPECT_EQ(same.state.Attr("id"), Value::String("x"));
}

// One process configured again and again (Terraform's -debug mode, an apply's two walks): data
// that still needs Shutdown is not dropped when a later configure replaces it.
TEST_F(ServerTest, ShutdownAlsoRunsForReplacedDataThatStillNeedsIt) {
  server_.Shutdown();
  EXPECT_EQ(provider_->log.Take(), std::vector<std::string>{"shutdown <none>"});
  Configure("https://open-one");
  Configure("https://two");
  Configure("https://three");
  Configure("https://four");  // "two" is dropped now; "three", just replaced, is kept in any case
  server_.Shutdown();
  EXPECT_EQ(provider_->log.Take(), (std::vector<std::string>{"shutdown https://open-one", "shutdown https://three",
                                                             "shutdown https://four"}));
  server_.Shutdown();  // a second shutdown runs for the current data only
  EXPECT_EQ(provider_->log.Take(), std::vector<std::string>{"shutdown https://four"});
}

TEST_F(ServerTest, DataSourceUsesConfiguredProvider) {
  Type t = server_.GetSchemas().data_sources.at("fake_info")->ImpliedType();
  Value config = Value::Object(t, {{"name", Value::String("n")}});
  ProviderServer::DataResult before = server_.ReadDataSource("fake_info", Mp(config, t), {});
  EXPECT_EQ(Dec(before.state, t).Attr("endpoint"), Value::String("<unconfigured>"));
  Configure("https://one");
  Configure("https://two");  // a later configure replaces the data
  ProviderServer::DataResult after = server_.ReadDataSource("fake_info", Mp(config, t), {});
  EXPECT_EQ(Dec(after.state, t).Attr("endpoint"), Value::String("https://two"));
  // A failed configure keeps the previous data.
  Type pt = provider_->GetSchema().ImpliedType();
  EXPECT_TRUE(server_
                  .ConfigureProvider("1.11.4",
                                     Mp(Value::Object(pt, {{"endpoint", Value::String("https://fail")}}), pt), {})
                  .HasError());
  EXPECT_EQ(Dec(server_.ReadDataSource("fake_info", Mp(config, t), {}).state, t).Attr("endpoint"),
            Value::String("https://two"));

  Value none = Value::Object(t, {{"name", Value::String("none")}});
  EXPECT_TRUE(server_.ReadDataSource("fake_info", Mp(none, t), {}).diagnostics.HasError());
  EXPECT_TRUE(server_.ValidateDataResourceConfig("fake_info", Mp(Value::Object(t, {}), t)).HasError());

  EXPECT_EQ(server_.StopProvider(), "");
  EXPECT_EQ(provider_->log.Take(), std::vector<std::string>{"stop https://two"});
}

TEST_F(ServerTest, EphemeralLifecycle) {
  Type t = server_.GetSchemas().ephemeral_resources.at("fake_token")->ImpliedType();
  EXPECT_TRUE(server_.ValidateEphemeralResourceConfig(
                         "fake_token", Mp(Value::Object(t, {{"lifetime", Value::Int(5)}}), t))
                  .HasError());
  ProviderServer::OpenResult open =
      server_.OpenEphemeralResource("fake_token", Mp(Value::Object(t, {{"lifetime", Value::Int(60)}}), t), {});
  ASSERT_FALSE(open.diagnostics.HasError());
  EXPECT_EQ(Dec(open.result, t).Attr("value"), Value::String("tok"));
  EXPECT_EQ(open.private_data, std::optional<std::string>("open-private"));
  EXPECT_EQ(open.renew_at, system_clock::time_point(std::chrono::seconds(1700000000)));

  ProviderServer::RenewResult kept = server_.RenewEphemeralResource("fake_token", open.private_data);
  EXPECT_EQ(kept.private_data, std::optional<std::string>("open-private"));
  EXPECT_EQ(kept.renew_at, system_clock::time_point(std::chrono::seconds(1700000100)));
  ProviderServer::RenewResult rotated = server_.RenewEphemeralResource("fake_token", std::string("rotate"));
  EXPECT_EQ(rotated.private_data, std::optional<std::string>("rotated"));
  EXPECT_TRUE(server_.CloseEphemeralResource("fake_token", open.private_data).empty());
  EXPECT_TRUE(server_.CloseEphemeralResource("fake_token", std::nullopt).empty());
  EXPECT_EQ(provider_->log.Take(),
            (std::vector<std::string>{"renew open-private", "renew rotate", "close open-private", "close "}));
}

TEST_F(ServerTest, EphemeralResultMayKeepComputedValuesUnknown) {
  Type t = server_.GetSchemas().ephemeral_resources.at("fake_token")->ImpliedType();
  ProviderServer::OpenResult open =
      server_.OpenEphemeralResource("fake_token", Mp(Value::Object(t, {{"lifetime", Value::Int(0)}}), t), {});
  ASSERT_FALSE(open.diagnostics.HasError());
  EXPECT_FALSE(Dec(open.result, t).Attr("value").IsKnown());
}

TEST_F(ServerTest, ConcurrentCalls) {
  Configure("https://api");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const std::string name = "n" + std::to_string(t) + "-" + std::to_string(i);
        ProviderServer::ApplyResult r = CreateWidget(WidgetValue({{"name", Value::String(name)}}));
        if (r.diagnostics.HasError() || Dec(r.new_state, kWidgetT).Attr("id") != Value::String("w-" + name)) {
          ++failures;
        }
        ProviderServer::ReadResult read = server_.ReadResource("fake_widget", r.new_state, "p", {});
        if (read.diagnostics.HasError() || read.private_data != "p") ++failures;
        if (i % 10 == 0) {
          Configure("https://api");
          server_.StopProvider();
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace adbjit::tf
