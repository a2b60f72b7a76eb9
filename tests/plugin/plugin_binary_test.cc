// The real terraform-provider-adbjit binary over gRPC, driven the way Terraform drives it:
// handshake, AutoMTLS, GetProviderSchema, ValidateProviderConfig, StopProvider, Shutdown, signals.
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <google/protobuf/empty.pb.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "proto/goplugin/plugin.grpc.pb.h"
#include "proto/tfplugin6/tfplugin6.grpc.pb.h"
#include "provider/plugin/handshake.h"
#include "tests/plugin/plugin_process.h"

namespace adbjit::testing {
namespace {

namespace fs = std::filesystem;
namespace pb = ::tfplugin6;
using std::chrono::milliseconds;
using std::chrono::seconds;

void SetDeadline(grpc::ClientContext& ctx, seconds s = seconds(10)) {
  ctx.set_deadline(std::chrono::system_clock::now() + s);
}

// A msgpack map holding every top-level attribute and block of the provider schema: null except
// `name`, which gets `value` (already msgpack-encoded).
std::string ProviderConfigMsgpack(const pb::Schema& schema, const std::string& name, const std::string& value) {
  std::vector<std::string> keys;
  for (const auto& a : schema.block().attributes()) keys.push_back(a.name());
  for (const auto& b : schema.block().block_types()) keys.push_back(b.type_name());
  std::string out;
  out += static_cast<char>(0xde);  // map16
  out += static_cast<char>(keys.size() >> 8);
  out += static_cast<char>(keys.size() & 0xff);
  for (const auto& k : keys) {
    out += static_cast<char>(0xd9);  // str8
    out += static_cast<char>(k.size());
    out += k;
    out += k == name ? value : std::string(1, static_cast<char>(0xc0));
  }
  return out;
}

// Whether the process has libcurl mapped (it is loaded on first use, provider/clients/http/libcurl.h).
bool MapsLibcurl(pid_t pid) {
  std::ifstream in(fs::path("/proc") / std::to_string(pid) / "maps");
  std::string maps((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(maps.empty()) << "cannot read /proc/" << pid << "/maps";
  return maps.find("/libcurl.so") != std::string::npos;
}

// A unary call by method name alone ("/package.Service/Method"), with the request as raw protobuf
// bytes; the response's bytes go to `response_bytes`.
grpc::Status GenericUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                              const std::string& request_bytes, std::string* response_bytes) {
  grpc::GenericStub generic(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status st;
  generic.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard l(mu);
    st = s;
    done = true;
    cv.notify_all();
  });
  std::unique_lock l(mu);
  if (!cv.wait_for(l, seconds(15), [&] { return done; })) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "no answer to " + method);
  }
  if (st.ok() && response_bytes != nullptr) {
    std::vector<grpc::Slice> slices;
    if (!response.Dump(&slices).ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "cannot read the response");
    response_bytes->clear();
    for (auto& sl : slices) response_bytes->append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  }
  return st;
}

std::string MsgpackStr(const std::string& s) { return std::string(1, static_cast<char>(0xd9)) + static_cast<char>(s.size()) + s; }

class PluginBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* t = std::getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/adbjit-plugin-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
  }
  void TearDown() override { fs::remove_all(base_); }

  std::unique_ptr<PluginProcess> StartPlugin(PluginOptions options = {}) {
    auto p = PluginProcess::Start(base_, options);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(p).value() : nullptr;
  }

  std::unique_ptr<PluginProcess> StartAndHandshake(PluginOptions options = {}) {
    auto p = StartPlugin(options);
    if (p == nullptr) return nullptr;
    Status s = p->ReadHandshake();
    EXPECT_TRUE(s.ok()) << s.ToString() << "\nstderr: " << p->process().stderr_text();
    return s.ok() ? std::move(p) : nullptr;
  }

  // Shutdown via GRPCController and wait for the exit (Terraform waits 2 s, then kills).
  void ShutdownAndExpectPromptExit(PluginProcess& p) {
    auto controller = ::plugin::GRPCController::NewStub(p.Channel());
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    ::plugin::Empty req, resp;
    grpc::Status st = controller->Shutdown(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    // go-plugin gives the process 2 s to exit after Shutdown before it kills it. A sanitizer build
    // exits the slow way on purpose (destructors, then the leak check over every thread's memory)
    // and scripts/sanitize.sh says how long that may take.
    const char* grace_env = std::getenv("ADBJIT_TEST_EXIT_GRACE_MS");
    const milliseconds grace(grace_env != nullptr && *grace_env != '\0' ? std::atoi(grace_env) : 2000);
    auto code = p.process().Wait(grace);
    ASSERT_TRUE(code.has_value()) << "still running " << grace.count() << " ms after Shutdown";
    EXPECT_EQ(*code, 0) << p.process().stderr_text();
    EXPECT_FALSE(fs::exists(fs::path(p.handshake().socket_path).parent_path())) << "socket directory left behind";
  }

  fs::path base_;
};

TEST_F(PluginBinaryTest, HandshakeLineAndCertificate) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  const auto& h = p->handshake();
  EXPECT_EQ(h.fields[0], "1");
  EXPECT_EQ(h.fields[1], "6");
  EXPECT_EQ(h.fields[2], "unix");
  EXPECT_EQ(h.fields[4], "grpc");
  EXPECT_EQ(fs::path(h.socket_path).parent_path().parent_path(), base_);
  EXPECT_GT(h.fields[5].size(), 50u);
  EXPECT_EQ(h.fields[5].find('='), std::string::npos);
  EXPECT_FALSE(DerToPem(h.cert_der).empty()) << "handshake certificate is not DER";

  struct stat st;
  ASSERT_EQ(stat(fs::path(h.socket_path).parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(h.socket_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ShutdownAndExpectPromptExit(*p);
  // Exactly one line ever reached stdout.
  EXPECT_EQ(p->process().stdout_text(), h.fields[0] + "|" + h.fields[1] + "|" + h.fields[2] + "|" +
                                            h.fields[3] + "|" + h.fields[4] + "|" + h.fields[5] + "\n");
}

TEST_F(PluginBinaryTest, SchemaValidateStopShutdownOverMtls) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  auto stub = pb::Provider::NewStub(p->Channel());

  pb::GetProviderSchema::Response schema;
  {
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    grpc::Status st = stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &schema);
    ASSERT_TRUE(st.ok()) << st.error_message() << "\n" << p->process().stderr_text();
  }
  ASSERT_TRUE(schema.has_provider());
  ASSERT_TRUE(schema.provider().has_block());
  EXPECT_FALSE(schema.has_provider_meta());
  EXPECT_TRUE(schema.server_capabilities().get_provider_schema_optional());
  std::map<std::string, pb::Schema::Attribute> attrs;
  for (const auto& a : schema.provider().block().attributes()) attrs[a.name()] = a;
  for (const char* name : {"host", "azure_tenant_id", "azure_client_id", "azure_client_secret", "azure_use_oidc",
                           "azure_use_msi", "azure_environment", "http_timeout_seconds", "retry_timeout_seconds"}) {
    ASSERT_TRUE(attrs.count(name)) << name;
    EXPECT_FALSE(attrs[name].description().empty()) << name;
    EXPECT_EQ(attrs[name].description_kind(), pb::MARKDOWN) << name;
    EXPECT_TRUE(attrs[name].optional()) << name;
  }
  EXPECT_TRUE(attrs["azure_client_secret"].sensitive());
  EXPECT_EQ(nlohmann::json::parse(attrs["http_timeout_seconds"].type()), "number");
  EXPECT_NE(attrs["host"].description().find("DATABRICKS_HOST"), std::string::npos);
  ASSERT_EQ(schema.provider().block().block_types_size(), 1);
  EXPECT_EQ(schema.provider().block().block_types(0).type_name(), "guardrails");
  EXPECT_EQ(schema.provider().block().block_types(0).nesting(), pb::Schema::NestedBlock::SINGLE);

  {  // http_timeout_seconds = 0 -> an error diagnostic pointing at that attribute
    pb::ValidateProviderConfig::Request req;
    req.mutable_config()->set_msgpack(ProviderConfigMsgpack(schema.provider(), "http_timeout_seconds", std::string(1, '\0')));
    pb::ValidateProviderConfig::Response resp;
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    ASSERT_TRUE(stub->ValidateProviderConfig(&ctx, req, &resp).ok());
    ASSERT_GE(resp.diagnostics_size(), 1) << "no diagnostic for http_timeout_seconds = 0";
    const auto& d = resp.diagnostics(0);
    EXPECT_EQ(d.severity(), pb::Diagnostic::ERROR);
    ASSERT_GE(d.attribute().steps_size(), 1);
    EXPECT_EQ(d.attribute().steps(0).attribute_name(), "http_timeout_seconds");
  }
  {  // host over plain http to a non-loopback host
    pb::ValidateProviderConfig::Request req;
    req.mutable_config()->set_msgpack(ProviderConfigMsgpack(schema.provider(), "host", MsgpackStr("http://example.com")));
    pb::ValidateProviderConfig::Response resp;
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    ASSERT_TRUE(stub->ValidateProviderConfig(&ctx, req, &resp).ok());
    ASSERT_GE(resp.diagnostics_size(), 1);
    EXPECT_EQ(resp.diagnostics(0).severity(), pb::Diagnostic::ERROR);
    EXPECT_EQ(resp.diagnostics(0).attribute().steps(0).attribute_name(), "host");
  }
  {  // a valid config has no diagnostics
    pb::ValidateProviderConfig::Request req;
    req.mutable_config()->set_msgpack(ProviderConfigMsgpack(schema.provider(), "host", MsgpackStr("https://adb-1.2.azuredatabricks.net")));
    pb::ValidateProviderConfig::Response resp;
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    ASSERT_TRUE(stub->ValidateProviderConfig(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.diagnostics_size(), 0) << resp.DebugString();
  }
  // Serving the schema and validating (all that most of Terraform's provider starts do) never
  // loads libcurl; the first HTTP request does (the e2e suites), and so does --version.
  EXPECT_FALSE(MapsLibcurl(p->process().pid()));
  {
    pb::StopProvider::Response resp;
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    ASSERT_TRUE(stub->StopProvider(&ctx, pb::StopProvider::Request(), &resp).ok());
    EXPECT_EQ(resp.error(), "");
  }
  ShutdownAndExpectPromptExit(*p);
}

TEST_F(PluginBinaryTest, MalformedConfigBecomesADiagnosticNotACrash) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  auto stub = pb::Provider::NewStub(p->Channel());
  pb::ValidateProviderConfig::Request req;
  req.mutable_config()->set_msgpack(std::string("\x93\xff\xc1", 3));
  pb::ValidateProviderConfig::Response resp;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  ASSERT_TRUE(stub->ValidateProviderConfig(&ctx, req, &resp).ok());
  ASSERT_GE(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), pb::Diagnostic::ERROR);
  ShutdownAndExpectPromptExit(*p);
}

TEST_F(PluginBinaryTest, ClientWithoutCertificateIsRefused) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  for (auto channel : {p->ChannelWithoutClientCert(), p->PlaintextChannel()}) {
    auto stub = pb::Provider::NewStub(channel);
    pb::GetProviderSchema::Response resp;
    grpc::ClientContext ctx;
    SetDeadline(ctx, seconds(3));
    grpc::Status st = stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp);
    EXPECT_FALSE(st.ok());
  }
  ShutdownAndExpectPromptExit(*p);
}

// AutoMTLS pins the exact certificate Terraform sent: another self-signed certificate with the
// same subject (O=HashiCorp, CN=localhost), the same key type and the same extensions is refused.
TEST_F(PluginBinaryTest, ClientWithAnotherCertificateOfTheSameSubjectIsRefused) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  auto impostor = plugin::GenerateServerCertificate();
  ASSERT_TRUE(impostor.ok()) << impostor.status().ToString();
  auto call = [](std::shared_ptr<grpc::Channel> channel) {
    auto stub = pb::Provider::NewStub(channel);
    pb::GetProviderSchema::Response resp;
    grpc::ClientContext ctx;
    SetDeadline(ctx, seconds(3));
    return stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp);
  };
  grpc::Status refused = call(p->ChannelWithClientCert(*impostor));
  EXPECT_FALSE(refused.ok()) << "a certificate other than PLUGIN_CLIENT_CERT was accepted";
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  // Control: the genuine certificate still works on the same server after the refusal.
  grpc::Status genuine = call(p->Channel());
  EXPECT_TRUE(genuine.ok()) << genuine.error_message();
  ShutdownAndExpectPromptExit(*p);
}

// When Terraform asks for mTLS (PLUGIN_CLIENT_CERT set) but the certificate cannot be read, the
// plugin must not fall back to plaintext: it exits 1 before listening, with no handshake line and
// no socket directory.
TEST_F(PluginBinaryTest, UnreadableClientCertificateRefusesToServe) {
  for (const std::string& pem : {std::string("not a certificate"),
                                 std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}) {
    PluginOptions opts;
    opts.extra_env["PLUGIN_CLIENT_CERT"] = pem;
    auto p = StartPlugin(opts);
    ASSERT_NE(p, nullptr);
    auto code = p->process().Wait(seconds(10));
    ASSERT_TRUE(code.has_value()) << "still running with an unreadable PLUGIN_CLIENT_CERT";
    EXPECT_EQ(*code, 1) << p->process().stderr_text();
    EXPECT_EQ(p->process().stdout_text(), "") << "printed a handshake line";
    EXPECT_FALSE(p->process().stderr_text().empty());
    EXPECT_TRUE(fs::is_empty(base_)) << "created a socket directory anyway";
  }
}

// Another local user cannot reach the socket: the directory is the current user's, mode 0700,
// so even with a traversable parent a connect() as `nobody` fails with EACCES (run through
// setpriv, which needs root; a non-root run cannot switch users and skips).
TEST_F(PluginBinaryTest, AnotherUserCannotConnectToTheSocket) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run a client as another user (setpriv)";
  ASSERT_EQ(access("/usr/bin/setpriv", X_OK), 0) << "setpriv (util-linux) is missing";
  ASSERT_EQ(access("/usr/bin/python3", X_OK), 0) << "python3 is missing (scripts/install-deps.sh)";
  // The test's base directory (and its parents) must be traversable by `nobody`, so that only the
  // plugin's own directory stands in the way.
  fs::permissions(base_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  for (fs::path d = base_.parent_path(); d != d.root_path(); d = d.parent_path()) {
    ASSERT_NE(fs::status(d).permissions() & fs::perms::others_exec, fs::perms::none)
        << d << " is not traversable by other users; set TMPDIR to a directory that is";
  }
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  const std::string socket = p->handshake().socket_path;
  const fs::path dir = fs::path(socket).parent_path();
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, geteuid());
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(socket.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, geteuid());
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Prints the errno name of each attempt: reaching the base directory (must work, or the test
  // proves nothing), listing the plugin's directory, connecting to the socket.
  const std::string script =
      "import errno, os, socket, sys\n"
      "def attempt(f):\n"
      "    try:\n"
      "        f()\n"
      "        return 'OK'\n"
      "    except OSError as e:\n"
      "        return errno.errorcode.get(e.errno, str(e.errno))\n"
      "def connect():\n"
      "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
      "    s.settimeout(5)\n"
      "    s.connect(sys.argv[3])\n"
      "print(attempt(lambda: os.stat(sys.argv[1])), attempt(lambda: os.listdir(sys.argv[2])), attempt(connect))\n";
  SpawnOptions spawn;
  spawn.argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3",
                "-c", script, base_.string(), dir.string(), socket};
  spawn.env = {{"PATH", "/usr/bin:/bin"}};
  RunResult r = ::adbjit::testing::Run(spawn, seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "OK EACCES EACCES\n") << "stat(base) listdir(plugin dir) connect(socket) as nobody";

  // The plugin is unharmed and still serves its own client.
  auto stub = pb::Provider::NewStub(p->Channel());
  pb::GetProviderSchema::Response resp;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  EXPECT_TRUE(stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp).ok());
  ShutdownAndExpectPromptExit(*p);
}

TEST_F(PluginBinaryTest, SixteenConcurrentCalls) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  auto channel = p->Channel();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto stub = pb::Provider::NewStub(channel);
      pb::GetProviderSchema::Response resp;
      grpc::ClientContext ctx;
      SetDeadline(ctx);
      if (stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16);
  ShutdownAndExpectPromptExit(*p);
}

TEST_F(PluginBinaryTest, GoPluginSideServicesAndHealth) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  auto channel = p->Channel();
  // The stdio stream stays open (and silent) until Shutdown.
  auto stdio = ::plugin::GRPCStdio::NewStub(channel);
  grpc::ClientContext stdio_ctx;
  SetDeadline(stdio_ctx);
  auto reader = stdio->StreamStdio(&stdio_ctx, google::protobuf::Empty());
  // The broker stream accepts messages.
  auto broker = ::plugin::GRPCBroker::NewStub(channel);
  grpc::ClientContext broker_ctx;
  SetDeadline(broker_ctx);
  auto stream = broker->StartStream(&broker_ctx);
  EXPECT_TRUE(stream->Write(::plugin::ConnInfo()));
  // Health: "plugin" is SERVING (grpc.health.v1.Health/Check, called generically).
  // HealthCheckRequest{service = "plugin"}: field 1, length-delimited.
  std::string bytes;
  grpc::Status st = GenericUnaryCall(channel, "/grpc.health.v1.Health/Check",
                                     std::string("\x0a\x06", 2) + "plugin", &bytes);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status = SERVING
  stream->WritesDone();
  ShutdownAndExpectPromptExit(*p);
  ::plugin::StdioData data;
  EXPECT_FALSE(reader->Read(&data)) << "stdio stream carried data";
}

TEST_F(PluginBinaryTest, PlaintextWhenNoClientCert) {
  PluginOptions opts;
  opts.tls = false;
  auto p = StartAndHandshake(opts);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->handshake().fields[5], "");
  auto stub = pb::Provider::NewStub(p->PlaintextChannel());
  pb::GetProviderSchema::Response resp;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  ASSERT_TRUE(stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp).ok());
  EXPECT_TRUE(resp.provider().has_block());
  ShutdownAndExpectPromptExit(*p);
}

// Newer Terraform releases call RPCs this protocol 6.8 server does not have. Terraform 1.12 and
// later ask every provider for GetResourceIdentitySchemas and take a gRPC UNIMPLEMENTED status as
// "no identities"; an answer with an error diagnostic instead stops every command (as it did for
// providers whose SDK answered so in Terraform 1.12.1). The others (list resources, actions, config
// generation, state stores) Terraform only calls for features a configuration names, and refuses
// those itself first. Each must be a plain UNIMPLEMENTED, never a catch-all answer.
TEST_F(PluginBinaryTest, RpcsOfNewerProtocolsAreUnimplemented) {
  PluginOptions opts;
  opts.tls = false;
  auto p = StartAndHandshake(opts);
  ASSERT_NE(p, nullptr);
  for (const char* method : {"GetResourceIdentitySchemas", "UpgradeResourceIdentity", "ValidateListResourceConfig",
                             "ListResource", "PlanAction", "InvokeAction", "GenerateResourceConfig",
                             "ValidateStateStoreConfig"}) {
    grpc::Status st = GenericUnaryCall(p->PlaintextChannel(), std::string("/tfplugin6.Provider/") + method, "", nullptr);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method << ": " << st.error_message();
  }
  // The server still serves after them.
  auto stub = pb::Provider::NewStub(p->PlaintextChannel());
  pb::GetProviderSchema::Response resp;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  ASSERT_TRUE(stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp).ok());
  ShutdownAndExpectPromptExit(*p);
}

TEST_F(PluginBinaryTest, WithoutCookieExplainsAndExits1) {
  PluginOptions opts;
  opts.cookie = false;
  auto p = StartPlugin(opts);
  ASSERT_NE(p, nullptr);
  auto code = p->process().Wait(seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_EQ(p->process().stdout_text(), "");
  EXPECT_EQ(p->process().stderr_text(), std::string(plugin::kNotAPluginMessage) + "\n");
  EXPECT_TRUE(fs::is_empty(base_)) << "created a socket directory anyway";
}

TEST_F(PluginBinaryTest, ProtocolSixNotOfferedIsAnError) {
  PluginOptions opts;
  opts.protocol_versions = "4,5";
  auto p = StartPlugin(opts);
  ASSERT_NE(p, nullptr);
  auto code = p->process().Wait(seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(p->process().stderr_text().find("only protocol 6"), std::string::npos) << p->process().stderr_text();
}

TEST_F(PluginBinaryTest, SigintIsIgnoredAndSigtermShutsDownCleanly) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  p->process().Signal(SIGINT);
  auto stub = pb::Provider::NewStub(p->Channel());
  pb::StopProvider::Response resp;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  ASSERT_TRUE(stub->StopProvider(&ctx, pb::StopProvider::Request(), &resp).ok()) << "SIGINT killed the provider";
  p->process().Signal(SIGTERM);
  auto code = p->process().Wait(seconds(2));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(fs::exists(fs::path(p->handshake().socket_path).parent_path()));
}

TEST_F(PluginBinaryTest, FatalSignalPrintsPanicLineForTerraform) {
  auto p = StartAndHandshake();
  ASSERT_NE(p, nullptr);
  p->process().Signal(SIGSEGV);
  auto code = p->process().Wait(seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(p->process().term_signal(), SIGSEGV);
  const std::string& err = p->process().stderr_text();
  EXPECT_TRUE(err.rfind("panic: ", 0) == 0 || err.find("\npanic: ") != std::string::npos) << err;
  EXPECT_FALSE(fs::exists(fs::path(p->handshake().socket_path).parent_path()));
}

TEST_F(PluginBinaryTest, DebugModePrintsReattachAndServesPlaintext) {
  PluginOptions opts;
  opts.cookie = false;
  opts.tls = false;
  opts.args = {"-debug"};
  auto p = StartPlugin(opts);
  ASSERT_NE(p, nullptr);
  std::string reattach;
  for (int i = 0; i < 10 && reattach.empty(); ++i) {
    auto line = p->process().ReadStdoutLine(seconds(10));
    ASSERT_TRUE(line.ok()) << line.status().ToString() << p->process().stderr_text();
    auto pos = line->find("TF_REATTACH_PROVIDERS='");
    if (pos != std::string::npos) {
      reattach = line->substr(pos + 23);
      reattach.pop_back();  // closing quote
    }
  }
  auto j = nlohmann::json::parse(reattach);
  const auto& e = j.at("registry.terraform.io/adbjit/adbjit");
  EXPECT_EQ(e.at("Pid"), p->process().pid());
  EXPECT_EQ(e.at("ProtocolVersion"), 6);
  const std::string socket = e.at("Addr").at("String");
  auto stub = pb::Provider::NewStub(grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
  pb::GetProviderSchema::Response resp;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  ASSERT_TRUE(stub->GetProviderSchema(&ctx, pb::GetProviderSchema::Request(), &resp).ok());
  p->process().Signal(SIGINT);
  auto code = p->process().Wait(seconds(2));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(fs::exists(fs::path(socket).parent_path()));
}

TEST(PluginVersionTest, VersionFlag) {
  RunResult r = adbjit::testing::Run(
      SpawnOptions{.argv = {ADBJIT_PROVIDER_BINARY, "--version"}, .env = CurrentEnvironment(), .cwd = ""},
                    seconds(10));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_text.rfind("terraform-provider-adbjit " ADBJIT_PROJECT_VERSION "\n", 0), 0u) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("plugin protocol 6.8"), std::string::npos);
  EXPECT_NE(r.stdout_text.find("gRPC 1."), std::string::npos);
  EXPECT_NE(r.stdout_text.find("OpenSSL 3"), std::string::npos);
  // --version loads libcurl and names the version it found.
  EXPECT_NE(r.stdout_text.find("\nlibcurl "), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("(loaded at the first HTTP request)"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("\nplatform linux_"), std::string::npos) << r.stdout_text;
  // "linkage shared (...)" here, "linkage portable (...)" in the release zip (release_test.cc).
  EXPECT_NE(r.stdout_text.find("\nlinkage "), std::string::npos) << r.stdout_text;
}

TEST(PluginVersionTest, WithoutLibcurlVersionSaysWhyAndExits1) {
  // Where this system's libcurl.so.4 is: the file to hide behind /dev/null, in a private mount
  // namespace inside a user namespace (so no root is needed).
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  link_map* map = nullptr;
  ASSERT_EQ(dlinfo(lib, RTLD_DI_LINKMAP, &map), 0);
  const std::string path = fs::canonical(map->l_name).string();
  RunResult r = adbjit::testing::Run(
      SpawnOptions{.argv = {"/usr/bin/unshare", "--user", "--map-root-user", "--mount", "/bin/sh", "-c",
                            "mount --bind /dev/null \"$1\" && exec \"$2\" --version", "sh", path,
                            ADBJIT_PROVIDER_BINARY},
                   .env = CurrentEnvironment(),
                   .cwd = ""},
      seconds(10));
  EXPECT_EQ(r.exit_code, 1) << r.stdout_text << r.stderr_text;
  EXPECT_EQ(r.stdout_text.rfind("terraform-provider-adbjit " ADBJIT_PROJECT_VERSION "\n", 0), 0u) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("\nlibcurl: cannot load libcurl.so.4: "), std::string::npos) << r.stdout_text;
}

}  // namespace
}  // namespace adbjit::testing
