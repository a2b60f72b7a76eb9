// RemoveObjectsSecret against the emulator, with another writer's request placed deterministically
// between two of its own: a destroy never removes a version it did not write. Also WriteSecret on
// a name that a soft-deleted secret blocks.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <map>
#include <string>

#include "provider/clients/testing/emulator_fixture.h"
#include "resources/common.h"

namespace adbjit::resources {
namespace {

using Request = http::Request;

// Passes every request on, and runs `act` once: before or after the first request that `matches`.
class Interleave : public http::Transport {
 public:
  enum class When { kBefore, kAfter };
  Interleave(std::shared_ptr<http::Transport> next, std::function<bool(const Request&)> matches, When when,
             std::function<void()> act)
      : next_(std::move(next)), matches_(std::move(matches)), when_(when), act_(std::move(act)) {}

  StatusOr<http::Response> Send(const Request& r) override {
    const bool fire = matches_(r) && !fired_.exchange(true);
    if (fire && when_ == When::kBefore) act_();
    StatusOr<http::Response> answer = next_->Send(r);
    if (fire && when_ == When::kAfter) act_();
    return answer;
  }
  bool fired() const { return fired_; }

 private:
  std::shared_ptr<http::Transport> next_;
  std::function<bool(const Request&)> matches_;
  When when_;
  std::function<void()> act_;
  std::atomic<bool> fired_{false};
};

// A request with `method` whose URL path is exactly `path` (before the query).
std::function<bool(const Request&)> Is(const std::string& method, const std::string& path) {
  return [method, path](const Request& r) {
    const std::string url = r.url.substr(0, r.url.find('?'));
    return r.method == method && url.ends_with(path);
  };
}

class SecretRemovalTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    outside_ = NewClients();
  }

  // Clients whose transport runs `act` before or after the first request that `matches`.
  std::unique_ptr<clients::Clients> ClientsWith(std::function<bool(const Request&)> matches, Interleave::When when,
                                                std::function<void()> act) {
    clients::ClientsConfig config = Config();
    config.wrap_transport_for_testing = [=, this](std::shared_ptr<http::Transport> next) {
      interleave_ = std::make_shared<Interleave>(std::move(next), matches, when, act);
      return interleave_;
    };
    return NewClients(config);
  }

  // Writes `value` to the shared name as another actor; returns the versioned id.
  std::string Write(const std::string& value, std::map<std::string, std::string> tags = {}) {
    auto written = outside_->keyvault().SetSecret(VaultUrl(), kName, {.value = Secret(value), .tags = std::move(tags)});
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    return written.ok() ? written->id : "";
  }
  std::string LiveValue() {
    auto bundle = outside_->keyvault().GetSecret(VaultUrl(), kName);
    return bundle.ok() ? bundle->value.Reveal() : "<" + bundle.status().message() + ">";
  }
  bool SoftDeleted() { return outside_->keyvault().GetDeletedSecret(VaultUrl(), kName).ok(); }
  // Restarts the emulator with deletes that take 1.5 s: a second delete arrives while the first is
  // under way (409 ObjectIsBeingDeleted).
  void RestartWithSlowDeletes() {
    emulator::Options o;
    o.kv_delete_delay_ms = 1500;
    Restart(o);
    outside_ = NewClients();
  }
  void Remove(clients::Clients& c, const std::string& versioned_id, tf::Diagnostics& diags) {
    RemoveObjectsSecret(c.keyvault(), VaultUrl(), kName, versioned_id, /*purge=*/true, diags);
  }

  static constexpr char kName[] = "shared";
  std::unique_ptr<clients::Clients> outside_;
  std::shared_ptr<Interleave> interleave_;
};

TEST_F(SecretRemovalTest, TheObjectsLatestVersionIsDeletedAndPurged) {
  const std::string mine = Write("mine");
  auto clients = NewClients();
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  EXPECT_FALSE(diags.HasError());
  EXPECT_TRUE(diags.items().empty());
  EXPECT_TRUE(outside_->keyvault().GetSecret(VaultUrl(), kName).status().IsNotFound());
  EXPECT_FALSE(SoftDeleted());
}

// A newer version is left alone: silently when another adbjit resource wrote it (a replacement
// made first), with a warning when someone outside Terraform did.
TEST_F(SecretRemovalTest, ANewerVersionAlreadyThereIsLeftAlone) {
  const std::string mine = Write("mine");
  Write("theirs", {{"adbjit", "adbjit_keyvault_binding"}});
  auto clients = NewClients();
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  EXPECT_TRUE(diags.items().empty());
  EXPECT_EQ(LiveValue(), "theirs");

  const std::string replacement = Write("the replacement's", {{"adbjit", "adbjit_keyvault_binding"}});
  Write("by hand");
  Remove(*clients, replacement, diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_FALSE(diags.HasError());
  EXPECT_EQ(diags.items()[0].summary, "Secret left in Key Vault");
  EXPECT_EQ(LiveValue(), "by hand");
}

// The check finds the object's version; another writer's version lands before the delete, which
// takes every version with it. The delete's answer names the newer version: it is recovered.
TEST_F(SecretRemovalTest, AVersionWrittenBetweenTheCheckAndTheDeleteIsRecoveredNotPurged) {
  const std::string mine = Write("mine");
  auto clients = ClientsWith(Is("DELETE", "/secrets/shared"), Interleave::When::kBefore, [&] { Write("theirs"); });
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  ASSERT_TRUE(interleave_->fired());
  EXPECT_FALSE(diags.HasError());
  EXPECT_EQ(LiveValue(), "theirs");
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/deletedsecrets/shared"), 0);
}

// Between the check and the delete, another writer's version lands and a delete of the secret
// begins elsewhere, so the delete is answered 409 ObjectIsBeingDeleted. The deleted entry, once it
// shows, ends in that newer version: the other delete took it, on purpose as far as can be told,
// so it is neither recovered (which would undo that delete) nor purged; a warning says so.
TEST_F(SecretRemovalTest, ADeleteAlreadyUnderWayThatTookANewerVersionIsNeitherRecoveredNorPurged) {
  RestartWithSlowDeletes();
  const std::string mine = Write("mine");
  std::string theirs;
  auto clients = ClientsWith(Is("DELETE", "/secrets/shared"), Interleave::When::kBefore, [&] {
    theirs = Write("theirs");
    EXPECT_TRUE(outside_->keyvault().DeleteSecret(VaultUrl(), kName).ok());
  });
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  ASSERT_TRUE(interleave_->fired());
  EXPECT_FALSE(diags.HasError());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].summary, "Secret deleted with a version this resource did not write");
  EXPECT_NE(diags.items()[0].detail.find(theirs), std::string::npos) << diags.items()[0].detail;
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/secrets/shared", 409), 1);
  EXPECT_EQ(RouteCount("keyvault", "POST", "/deletedsecrets/shared/recover"), 0);
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/deletedsecrets/shared"), 0);
  auto deleted = outside_->keyvault().GetDeletedSecret(VaultUrl(), kName);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->id, theirs);
}

// The delete's answer is lost and its resend meets the first delete under way (409); the deleted
// entry cannot be read (403), so which version went cannot be told: the secret is left
// soft-deleted, with a warning, rather than purged.
TEST_F(SecretRemovalTest, ADeleteWhoseVersionCannotBeToldIsNotPurged) {
  RestartWithSlowDeletes();
  const std::string mine = Write("mine");
  Faults(nlohmann::json::array(
      {{{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/secrets/shared$"}, {"action", "drop"},
        {"phase", "after"}, {"count", 1}},
       {{"service", "keyvault"}, {"method", "GET"}, {"path", "^/deletedsecrets/shared$"}, {"action", "status"},
        {"status", 403}}}));
  auto clients = NewClients();
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  EXPECT_FALSE(diags.HasError());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].summary, "Secret deleted but not purged");
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/secrets/shared", 409), 1);
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/deletedsecrets/shared"), 0);
  const nlohmann::json secrets = server_->Objects()["secrets"];
  ASSERT_EQ(secrets.size(), 1u) << secrets.dump();
  const std::string state = secrets[0].value("state", "");
  EXPECT_TRUE(state == "deleting" || state == "deleted") << secrets.dump();
}

// The object's secret is gone already (deleted and purged outside). Another writer takes the name
// right after the check: nothing is deleted.
TEST_F(SecretRemovalTest, ASecretWrittenAfterTheObjectsWasFoundGoneIsLeftAlone) {
  const std::string mine = Write("mine");
  ASSERT_TRUE(outside_->keyvault().DeleteSecret(VaultUrl(), kName).ok());
  ASSERT_TRUE(outside_->keyvault().PurgeDeletedSecretAndWait(VaultUrl(), kName).ok());
  auto clients = ClientsWith(Is("GET", "/secrets/shared"), Interleave::When::kAfter, [&] { Write("theirs"); });
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  ASSERT_TRUE(interleave_->fired());
  EXPECT_FALSE(diags.HasError());
  EXPECT_EQ(LiveValue(), "theirs");
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/secrets/shared"), 1);  // the outside delete above only
}

// An earlier destroy deleted the secret but did not purge it: the retry purges it, since its latest
// version is the object's. A soft-deleted secret that ends in another version is not the object's.
TEST_F(SecretRemovalTest, ASoftDeletedSecretIsPurgedOnlyWhenItEndsInTheObjectsVersion) {
  const std::string mine = Write("mine");
  ASSERT_TRUE(outside_->keyvault().DeleteSecret(VaultUrl(), kName).ok());
  auto clients = NewClients();
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  EXPECT_FALSE(diags.HasError());
  EXPECT_FALSE(SoftDeleted());

  const std::string mine_again = Write("mine again");
  Write("theirs");
  ASSERT_TRUE(outside_->keyvault().DeleteSecret(VaultUrl(), kName).ok());
  Remove(*clients, mine_again, diags);
  EXPECT_FALSE(diags.HasError());
  EXPECT_TRUE(SoftDeleted());
}

// Between the object's delete and its purge, another writer recovers the name and writes to it.
// The purge finds a live secret that ends in a version not the object's: done, nothing purged,
// rather than waiting for a delete that will never come.
TEST_F(SecretRemovalTest, ANameRecoveredAndRewrittenBeforeThePurgeIsLeftAlone) {
  const std::string mine = Write("mine");
  auto clients = ClientsWith(Is("DELETE", "/deletedsecrets/shared"), Interleave::When::kBefore, [&] {
    ASSERT_TRUE(outside_->keyvault().RecoverDeletedSecretAndWait(VaultUrl(), kName).ok());
    Write("theirs");
  });
  tf::Diagnostics diags;
  Remove(*clients, mine, diags);
  ASSERT_TRUE(interleave_->fired());
  EXPECT_FALSE(diags.HasError()) << (diags.items().empty() ? "" : diags.items()[0].detail);
  EXPECT_EQ(LiveValue(), "theirs");
}

// recover_soft_deleted = false: the blocked name is an error that says the ways out, and offers
// purging only where the vault allows it.
TEST_F(SecretRemovalTest, ABlockedNameWithoutRecoverSaysWhetherPurgingIsAWayOut) {
  for (bool protection : {false, true}) {
    SCOPED_TRACE(protection ? "purge protection on" : "purge protection off");
    emulator::Options o;
    o.kv_purge_protection = protection;
    Restart(o);
    outside_ = NewClients();
    Write("deleted");
    ASSERT_TRUE(outside_->keyvault().DeleteSecret(VaultUrl(), kName).ok());
    auto clients = NewClients();
    auto written = WriteSecret(clients->keyvault(), VaultUrl(), kName, {.value = Secret("new")}, /*recover=*/false,
                               "adbjit_keyvault_binding");
    ASSERT_FALSE(written.ok());
    const std::string& m = written.status().message();
    EXPECT_NE(m.find("a soft-deleted secret named \"shared\" blocks the name; set recover_soft_deleted = true to "
                     "recover and overwrite it"),
              std::string::npos)
        << m;
    EXPECT_EQ(m.find("or purge it first") != std::string::npos, !protection) << m;
    EXPECT_EQ(m.find("purge protection is on, so it cannot be purged before its retention ends") != std::string::npos,
              protection)
        << m;
    EXPECT_TRUE(SoftDeleted());
  }
}

}  // namespace
}  // namespace adbjit::resources
