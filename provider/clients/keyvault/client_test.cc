// keyvault::Client against the emulator: every call, error mapping, challenge, bounded waits.
#include "provider/clients/keyvault/client.h"

#include <gtest/gtest.h>

#include <chrono>

#include "emulator/common.h"
#include "provider/clients/testing/emulator_fixture.h"

namespace adbjit::keyvault {
namespace {

using testing::EmulatorTest;

class KeyVaultClientTest : public EmulatorTest {
 protected:
  SetSecretParams Params(const std::string& value) {
    SetSecretParams p;
    p.value = Secret(value);
    p.content_type = "text/plain";
    p.tags = {{"owner", "adbjit"}};
    p.exp = 1900000000;
    return p;
  }
};

TEST_F(KeyVaultClientTest, SecretLifecycle) {
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  const std::string vault = VaultUrl();
  ASSERT_TRUE(kv.ValidateVaultUrl(vault).ok());

  auto v1 = kv.SetSecret(vault, "pat-1", Params("first-value-1"));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->name, "pat-1");
  EXPECT_EQ(v1->version.size(), 32u);
  EXPECT_EQ(v1->attributes.exp, 1900000000);
  auto v2 = kv.SetSecret(vault, "pat-1", Params("second-value-2"));
  ASSERT_TRUE(v2.ok());
  EXPECT_NE(v1->version, v2->version);

  auto latest = kv.GetSecret(vault, "pat-1");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->value.Reveal(), "second-value-2");
  EXPECT_EQ(latest->content_type, "text/plain");
  EXPECT_EQ(latest->tags.at("owner"), "adbjit");
  EXPECT_EQ(latest->VersionlessId(), vault + "/secrets/pat-1");
  auto old = kv.GetSecret(vault, "pat-1", v1->version);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->value.Reveal(), "first-value-1");

  auto versions = kv.ListSecretVersions(vault, "pat-1");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(versions->size(), 2u);
  for (const auto& v : *versions) EXPECT_TRUE(v.value.empty());

  UpdateSecretParams u;
  u.exp = 1950000000;
  u.tags = std::map<std::string, std::string>{{"owner", "someone"}};
  auto updated = kv.UpdateSecret(vault, "pat-1", "", u);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->attributes.exp, 1950000000);
  EXPECT_EQ(kv.GetSecret(vault, "pat-1")->tags.at("owner"), "someone");
  EXPECT_EQ(kv.GetSecret(vault, "pat-1")->content_type, "text/plain");  // untouched by PATCH

  auto deleted = kv.DeleteSecret(vault, "pat-1");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  Status missing = kv.GetSecret(vault, "pat-1").status();
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.service_code(), "SecretNotFound");
  auto dg = kv.GetDeletedSecret(vault, "pat-1");
  ASSERT_TRUE(dg.ok()) << dg.status().ToString();
  EXPECT_TRUE(dg->deleted_date.has_value());
  EXPECT_TRUE(dg->scheduled_purge_date.has_value());

  Status conflict = kv.SetSecret(vault, "pat-1", Params("third")).status();
  EXPECT_EQ(conflict.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(conflict.service_code(), "ObjectIsDeletedButRecoverable");
  EXPECT_EQ(conflict.http_status(), 409);

  auto recovered = kv.RecoverDeletedSecretAndWait(vault, "pat-1");
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  EXPECT_EQ(recovered->value.Reveal(), "second-value-2");

  ASSERT_TRUE(kv.DeleteSecret(vault, "pat-1").ok());
  ASSERT_TRUE(kv.PurgeDeletedSecretAndWait(vault, "pat-1").ok());
  EXPECT_EQ(kv.GetDeletedSecret(vault, "pat-1").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(kv.PurgeDeletedSecretAndWait(vault, "pat-1").ok());  // nothing left: done
  EXPECT_TRUE(kv.SetSecret(vault, "pat-1", Params("fresh")).ok());  // the name is free again
  EXPECT_EQ(kv.DeleteSecret(vault, "nope").status().code(), StatusCode::kNotFound);
  // (Recovering a name with nothing to recover waits for a recover under way: see
  // ARecoverSentAgainWhileTheFirstIsUnderWayWaitsForIt.)

  // A disabled secret, deleted and recovered: it is live again although it answers 403
  // SecretDisabled, and its purge after a delete waits that answer out as a live secret's.
  ASSERT_TRUE(kv.UpdateSecret(vault, "pat-1", "", {.enabled = false}).ok());
  ASSERT_TRUE(kv.DeleteSecret(vault, "pat-1").ok());
  auto disabled = kv.RecoverDeletedSecretAndWait(vault, "pat-1");
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  EXPECT_EQ(disabled->attributes.enabled, false);
  EXPECT_EQ(kv.GetSecret(vault, "pat-1").status().service_code(), "SecretDisabled");
  ASSERT_TRUE(kv.DeleteSecret(vault, "pat-1").ok());
  EXPECT_TRUE(kv.PurgeDeletedSecretAndWait(vault, "pat-1").ok());
}

TEST_F(KeyVaultClientTest, WaitsOutAsynchronousTransitionsQuickly) {
  emulator::Options o;
  // Wide enough that the PUT after the purge lands while the name is still blocked on a loaded
  // machine (the client notices the purge within one poll, 200 ms at most).
  o.kv_delete_delay_ms = 1000;
  o.kv_purge_delay_ms = 1000;
  o.kv_recover_delay_ms = 1000;
  Restart(o);
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  const std::string vault = VaultUrl();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(kv.SetSecret(vault, "s1", Params("value-one")).ok());
  ASSERT_TRUE(kv.DeleteSecret(vault, "s1").ok());
  // Deleting -> deleted: recover waits out ObjectIsBeingDeleted, then recovering -> live.
  auto rec = kv.RecoverDeletedSecretAndWait(vault, "s1");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(rec->value.Reveal(), "value-one");
  ASSERT_TRUE(kv.DeleteSecret(vault, "s1").ok());
  ASSERT_TRUE(kv.PurgeDeletedSecretAndWait(vault, "s1").ok());
  // Purging: the deleted secret shows until the purge completes, which the purge waits out; the
  // name is blocked (ObjectIsBeingDeleted) a while longer, which set waits out.
  EXPECT_TRUE(kv.GetDeletedSecret(vault, "s1").status().IsNotFound());
  auto again = kv.SetSecret(vault, "s1", Params("value-two"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  // Five 1 s transitions, each noticed within a loopback poll (20-200 ms), not Azure's 1-10 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(12));
  EXPECT_GE(RouteCount("keyvault", "GET", "/deletedsecrets/s1", 200), 3) << "polled every second or slower";
  EXPECT_GE(RouteCount("keyvault", "POST", "/deletedsecrets/s1/recover", 409) +
                RouteCount("keyvault", "DELETE", "/deletedsecrets/s1", 409),
            1);
  EXPECT_GE(RouteCount("keyvault", "PUT", "/secrets/s1", 409), 1);  // the name blocked after the purge
}

// A purge sent again after its answer was lost finds nothing to purge (404) while the first one
// is still under way: it waits until the deleted entry is gone all the same.
TEST_F(KeyVaultClientTest, APurgeSentAgainStillWaitsForTheDeletedEntryToGo) {
  emulator::Options o;
  o.kv_purge_delay_ms = 1000;
  Restart(o);
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  ASSERT_TRUE(kv.SetSecret(VaultUrl(), "again", Params("value")).ok());
  ASSERT_TRUE(kv.DeleteSecret(VaultUrl(), "again").ok());
  Faults({{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/deletedsecrets/"}, {"action", "malformed"},
          {"phase", "after"}, {"count", 1}});
  ASSERT_TRUE(kv.PurgeDeletedSecretAndWait(VaultUrl(), "again").ok());
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/deletedsecrets/again", 404), 1);  // the second purge
  EXPECT_TRUE(kv.GetDeletedSecret(VaultUrl(), "again").status().IsNotFound());
}

// A delete sent again after its answer was lost finds the first one under way (409
// ObjectIsBeingDeleted): that is the delete done, and the purge then waits for the deleted entry.
TEST_F(KeyVaultClientTest, ADeleteSentAgainWhileTheFirstIsUnderWayIsDone) {
  emulator::Options o;
  o.kv_delete_delay_ms = 2000;  // wide enough for the second delete on a loaded machine
  Restart(o);
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  auto written = kv.SetSecret(VaultUrl(), "twice", Params("value"));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  Faults({{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/secrets/twice"}, {"action", "drop"},
          {"phase", "after"}, {"count", 1}});
  auto deleted = kv.DeleteSecret(VaultUrl(), "twice");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(RouteCount("keyvault", "DELETE", "/secrets/twice", 409), 1);  // the second delete
  // Which version went is read from the deleted entry once the delete is done.
  EXPECT_EQ(deleted->id, written->id);
  EXPECT_GE(RouteCount("keyvault", "GET", "/deletedsecrets/twice", 404), 1) << "polled while the delete ran";
  ASSERT_TRUE(kv.PurgeDeletedSecretAndWait(VaultUrl(), "twice").ok());
  EXPECT_TRUE(kv.GetDeletedSecret(VaultUrl(), "twice").status().IsNotFound());
  EXPECT_TRUE(kv.GetSecret(VaultUrl(), "twice").status().IsNotFound());
}

// A recover sent again after its answer was lost finds nothing to recover (404) while the first is
// under way, and the secret answers 404 until it is live: it waits for that all the same.
TEST_F(KeyVaultClientTest, ARecoverSentAgainWhileTheFirstIsUnderWayWaitsForIt) {
  emulator::Options o;
  o.kv_recover_delay_ms = 2500;  // wide enough for the second recover on a loaded machine
  Restart(o);
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  ASSERT_TRUE(kv.SetSecret(VaultUrl(), "back", Params("value")).ok());
  ASSERT_TRUE(kv.DeleteSecret(VaultUrl(), "back").ok());
  Faults({{"service", "keyvault"}, {"method", "POST"}, {"path", "^/deletedsecrets/back/recover"}, {"action", "drop"},
          {"phase", "after"}, {"count", 1}});
  auto recovered = kv.RecoverDeletedSecretAndWait(VaultUrl(), "back");
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  EXPECT_EQ(recovered->value.Reveal(), "value");
  // The second recover, and those sent on the poll pace until the secret is live.
  EXPECT_GE(RouteCount("keyvault", "POST", "/deletedsecrets/back/recover", 404), 1);
  EXPECT_EQ(RouteCount("keyvault", "POST", "/deletedsecrets/back/recover", 200), 0) << "the first was dropped";
  // A name with nothing to recover, live or deleted, is waited for within the budget, then named.
  auto config = Config();
  config.retry_timeout_seconds = 1;
  auto short_budget = NewClients(config);
  auto nothing = short_budget->keyvault().RecoverDeletedSecretAndWait(VaultUrl(), "never-deleted");
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("recover deleted secret never-deleted: gave up after"), std::string::npos)
      << nothing.status().ToString();
  EXPECT_NE(nothing.status().message().find("Deleted Secret not found"), std::string::npos)
      << nothing.status().ToString();
}

TEST_F(KeyVaultClientTest, WaitsAreBoundedByTheRetryBudget) {
  emulator::Options o;
  o.kv_delete_delay_ms = 60000;
  Restart(o);
  auto config = Config();
  config.retry_timeout_seconds = 1;
  auto clients = NewClients(config);
  Client& kv = clients->keyvault();
  ASSERT_TRUE(kv.SetSecret(VaultUrl(), "slow", Params("v-slow")).ok());
  ASSERT_TRUE(kv.DeleteSecret(VaultUrl(), "slow").ok());
  auto start = std::chrono::steady_clock::now();
  Status s = kv.PurgeDeletedSecretAndWait(VaultUrl(), "slow");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));  // 1 s budget, not 60 s
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.service_code(), "ObjectIsBeingDeleted");
  EXPECT_NE(s.message().find("purge deleted secret slow: gave up after"), std::string::npos) << s.message();
}

TEST_F(KeyVaultClientTest, PurgeProtectionAndDisabledSecrets) {
  emulator::Options o;
  o.kv_purge_protection = true;
  Restart(o);
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  SetSecretParams p = Params("disabled-value");
  p.enabled = false;
  ASSERT_TRUE(kv.SetSecret(VaultUrl(), "off", p).ok());
  Status disabled = kv.GetSecret(VaultUrl(), "off").status();
  EXPECT_EQ(disabled.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(disabled.service_code(), "SecretDisabled");
  ASSERT_TRUE(kv.DeleteSecret(VaultUrl(), "off").ok());
  Status purge = kv.PurgeDeletedSecretAndWait(VaultUrl(), "off");
  EXPECT_EQ(purge.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(purge.service_code(), "PurgeProtectionEnabled");
  EXPECT_NE(purge.message().find("purge_on_destroy"), std::string::npos);
}

TEST_F(KeyVaultClientTest, ForbiddenVariantsAreActionable) {
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  for (const std::string inner : {"AccessDenied", "ForbiddenByRbac", "ForbiddenByFirewall"}) {
    server_->ClearFaults();
    nlohmann::json body = {{"error", {{"code", "Forbidden"}, {"message", "no"}, {"innererror", {{"code", inner}}}}}};
    Faults(nlohmann::json::array(
        {{{"service", "keyvault"}, {"action", "status"}, {"status", 403}, {"body", body.dump()}}}));
    Status s = kv.GetSecret(VaultUrl(), "x").status();
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(s.service_code(), inner);
    EXPECT_NE(s.message().find("HTTP 403 Forbidden/" + inner + ": no ("), std::string::npos) << s.message();
  }
  server_->ClearFaults();
  Status bad = kv.GetSecret(VaultUrl(), "bad_name").status();
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RouteCount("keyvault", "GET", "/secrets/bad_name"), 0);  // refused before any I/O
  EXPECT_EQ(kv.GetSecret("https://evil.example.com/", "x").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KeyVaultClientTest, BearerChallengeIsAnsweredOnceThenFails) {
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  ASSERT_TRUE(kv.SetSecret(VaultUrl(), "c1", Params("challenge-value")).ok());
  const int64_t before = EntraTokenRequests();
  const std::string challenge = "Bearer authorization=\"" + server_->entra_url() + "/" + principal_.tenant_id +
                                "\", resource=\"https://vault.azure.net\"";
  Faults(nlohmann::json::array({{{"service", "keyvault"}, {"action", "status"}, {"status", 401}, {"count", 1},
                                 {"headers", {{"WWW-Authenticate", challenge}}}, {"body", ""}}}));
  auto got = kv.GetSecret(VaultUrl(), "c1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(EntraTokenRequests(), before + 1);  // the rejected token was replaced once

  Faults(nlohmann::json::array({{{"service", "keyvault"}, {"action", "status"}, {"status", 401}, {"count", 2},
                                 {"headers", {{"WWW-Authenticate", challenge}}}, {"body", ""}}}));
  Status s = kv.GetSecret(VaultUrl(), "c1").status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("rejected again"), std::string::npos) << s.message();
}

// The other shapes of the challenge (remote-apis.md 5.5): newer vaults add scope=, lowkey-vault
// names the authority authorization_uri. Each is answered like the classic one.
TEST_F(KeyVaultClientTest, BearerChallengeWithScopeOrAuthorizationUriIsAnswered) {
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  ASSERT_TRUE(kv.SetSecret(VaultUrl(), "c2", Params("challenge-value")).ok());
  const std::string authority = "\"" + server_->entra_url() + "/" + principal_.tenant_id + "\"";
  for (const std::string& challenge :
       {"Bearer authorization=" + authority + ", resource=\"https://vault.azure.net\", "
        "scope=\"https://vault.azure.net/.default\"",
        "Bearer authorization=" + authority + ", scope=\"https://vault.azure.net/.default\"",
        "Bearer authorization_uri=" + authority + ", resource=\"https://vault.azure.net\""}) {
    SCOPED_TRACE(challenge);
    const int64_t before = EntraTokenRequests();
    Faults(nlohmann::json::array({{{"service", "keyvault"}, {"action", "status"}, {"status", 401}, {"count", 1},
                                   {"headers", {{"WWW-Authenticate", challenge}}}, {"body", ""}}}));
    auto got = kv.GetSecret(VaultUrl(), "c2");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->value.Reveal(), "challenge-value");
    EXPECT_EQ(EntraTokenRequests(), before + 1);
  }
}

// A write whose 200 reply is unreadable is written again (a PUT only adds a version), so the
// caller learns the id of a version that exists; a delete or purge answered that way is sent
// again, so a secret reported as removed is removed.
TEST_F(KeyVaultClientTest, MalformedRepliesToWritesAndDeletesAreRetried) {
  auto clients = NewClients();
  Client& kv = clients->keyvault();
  const std::string vault = VaultUrl();
  Faults({{"service", "keyvault"}, {"method", "PUT"}, {"action", "malformed"}, {"phase", "after"}, {"count", 1}});
  auto written = kv.SetSecret(vault, "garbled", Params("value-1"));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto latest = kv.GetSecret(vault, "garbled");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->id, written->id);

  Faults({{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/secrets/"}, {"action", "malformed"}, {"count", 1}});
  ASSERT_TRUE(kv.DeleteSecret(vault, "garbled").ok());
  EXPECT_EQ(kv.GetSecret(vault, "garbled").status().code(), StatusCode::kNotFound);
  Faults({{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/deletedsecrets/"}, {"action", "malformed"},
          {"count", 1}});
  ASSERT_TRUE(kv.PurgeDeletedSecretAndWait(vault, "garbled").ok());
  EXPECT_EQ(kv.GetSecret(vault, "garbled").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(kv.GetDeletedSecret(vault, "garbled").status().code(), StatusCode::kNotFound);
}

// A write whose answer was lost (the transport repeats it) and then refused: the first attempt may
// have written. The read-back finds the secret holding what was written, which is the result;
// otherwise the error says the secret may hold a version, since a request that got no answer can
// be handled later than the read. (Fresh clients each time: the transport repeats a request
// itself only when it was not on a reused connection, which libcurl resends silently.)
TEST_F(KeyVaultClientTest, WritesRefusedAfterALostAnswerAreConfirmedByReading) {
  const std::string vault = VaultUrl();
  auto lost_then_refused = [&](const std::string& phase) {
    server_->ClearFaults();
    Faults(nlohmann::json::array(
        {{{"service", "keyvault"}, {"method", "PUT"}, {"action", "drop"}, {"phase", phase}, {"count", 1}},
         {{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 403}}}));
  };
  lost_then_refused("after");
  auto written = NewClients()->keyvault().SetSecret(vault, "landed", Params("value-1"));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->value, Secret("value-1"));

  lost_then_refused("after");
  Faults({{"service", "keyvault"}, {"method", "GET"}, {"path", "^/secrets/unread$"}, {"action", "status"},
          {"status", 403}});
  auto unread = NewClients()->keyvault().SetSecret(vault, "unread", Params("value-2"));
  ASSERT_FALSE(unread.ok());
  EXPECT_EQ(unread.status().http_status(), 403);
  EXPECT_NE(unread.status().message().find("the secret \"unread\" may"), std::string::npos)
      << unread.status().message();

  lost_then_refused("before");
  auto never = NewClients()->keyvault().SetSecret(vault, "never", Params("value-3"));
  ASSERT_FALSE(never.ok());
  EXPECT_NE(never.status().message().find("the secret \"never\" may yet hold a version"), std::string::npos)
      << never.status().message();
  EXPECT_EQ(never.status().message().find("nothing was written"), std::string::npos);
  server_->ClearFaults();
  auto kv = NewClients();
  EXPECT_TRUE(kv->keyvault().GetSecret(vault, "unread").ok());  // it was written
  EXPECT_EQ(kv->keyvault().GetSecret(vault, "never").status().code(), StatusCode::kNotFound);
}

// A write answered 500 may have taken place. It is repeated on the retry backoff (each attempt
// may add a version), and when the retries run out the latest version is read: holding what was
// written, it is the result; otherwise the error says the secret may hold a version.
TEST_F(KeyVaultClientTest, WritesAnswered500AreConfirmedByReadingWhenTheRetriesRunOut) {
  auto config = Config();
  config.retry_timeout_seconds = 2;
  config.retry_initial_backoff_ms = 1000;
  config.retry_max_backoff_ms = 1000;
  auto clients = NewClients(config);
  Client& kv = clients->keyvault();
  const std::string vault = VaultUrl();
  Faults(nlohmann::json::array(
      {{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500}, {"phase", "after"},
        {"count", 1}},
       {{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 503}}}));
  auto written = kv.SetSecret(vault, "wrote", Params("value-1"));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->value, Secret("value-1"));
  server_->ClearFaults();
  auto latest = kv.GetSecret(vault, "wrote");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->id, written->id);

  // Every write lands but is answered 500, and the vault cannot be read either.
  server_->ClearFaults();
  Faults(nlohmann::json::array(
      {{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500}, {"phase", "after"}},
       {{"service", "keyvault"}, {"method", "GET"}, {"path", "^/secrets/stuck$"}, {"action", "status"},
        {"status", 500}}}));
  auto stuck = kv.SetSecret(vault, "stuck", Params("value-2"));
  ASSERT_FALSE(stuck.ok());
  EXPECT_NE(stuck.status().message().find("gave up after"), std::string::npos) << stuck.status().message();
  EXPECT_NE(stuck.status().message().find("the secret \"stuck\" may now exist"), std::string::npos)
      << stuck.status().message();
  EXPECT_EQ(stuck.status().message().find("value-2"), std::string::npos);
  server_->ClearFaults();
  auto versions = kv.ListSecretVersions(vault, "stuck");
  ASSERT_TRUE(versions.ok());
  EXPECT_GE(versions->size(), 2u);  // repeated,
  EXPECT_LE(versions->size(), 4u);  // but at the retry pace, not the poll pace of a loopback vault

  // Every write is refused with a 500 before it is made: the read-back finds no secret, and the
  // error says that nothing was written rather than that the secret may exist.
  server_->ClearFaults();
  Faults(nlohmann::json::array(
      {{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500}}}));
  auto never = kv.SetSecret(vault, "never", Params("value-3"));
  ASSERT_FALSE(never.ok());
  EXPECT_NE(never.status().message().find("has no secret \"never\", so nothing was written"), std::string::npos)
      << never.status().message();
  EXPECT_EQ(never.status().message().find("may now exist"), std::string::npos) << never.status().message();

  // A 500, then 503 until the transport gives up: its count of attempts leaves out the first.
  server_->ClearFaults();
  Faults(nlohmann::json::array(
      {{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500}, {"count", 1}},
       {{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 503}}}));
  auto unavailable = kv.SetSecret(vault, "unavailable", Params("value-6"));
  ASSERT_FALSE(unavailable.ok());
  EXPECT_NE(unavailable.status().message().find("gave up after"), std::string::npos) << unavailable.status().message();
  EXPECT_NE(unavailable.status().message().find("(after 1 earlier attempt of this write)"), std::string::npos)
      << unavailable.status().message();
  EXPECT_NE(unavailable.status().message().find("has no secret \"unavailable\""), std::string::npos)
      << unavailable.status().message();

  // The same against a secret that exists: its latest version is the earlier one.
  server_->ClearFaults();
  ASSERT_TRUE(kv.SetSecret(vault, "kept", Params("value-4")).ok());
  Faults(nlohmann::json::array(
      {{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500}}}));
  auto kept = kv.SetSecret(vault, "kept", Params("value-5"));
  ASSERT_FALSE(kept.ok());
  EXPECT_NE(kept.status().message().find("its latest version holds something else, so the write did not take effect"),
            std::string::npos)
      << kept.status().message();
  EXPECT_EQ(kept.status().message().find("value-"), std::string::npos);
}

// The real clock, with wall time an hour on: this machine's clock an hour ahead of Key Vault's.
class AnHourOnClock final : public http::Clock {
 public:
  TimePoint Now() override { return http::Clock::Real()->Now(); }
  std::chrono::system_clock::time_point WallNow() override {
    return http::Clock::Real()->WallNow() + std::chrono::hours(1);
  }
  bool SleepFor(std::chrono::milliseconds d, const http::StopSignal* stop) override {
    return http::Clock::Real()->SleepFor(d, stop);
  }
};

// A client on `clients`' transport (captured through wrap_transport_for_testing) and cached
// tokens, with `clock` for its own, retrying a write for 2 s.
Client ClientOnClock(clients::Clients& clients, std::shared_ptr<http::Transport> transport, http::Clock* clock) {
  EXPECT_NE(transport, nullptr);
  ClientOptions options;
  options.keyvault_scope = clients.cloud().KeyVaultScope();
  options.dns_suffix = clients.cloud().keyvault_dns_suffix;
  options.tenant_id = clients.config().tenant_id;
  options.retry.budget = std::chrono::seconds(2);
  options.retry.initial_backoff = options.retry.max_backoff = std::chrono::milliseconds(1000);
  return Client(std::move(transport), std::shared_ptr<auth::TokenSource>(&clients.tokens(), [](auth::TokenSource*) {}),
                options, clock);
}

// A write whose outcome is unknown is confirmed only by a version it could have made: the latest
// version written before it (by a binding being replaced, say) with the same contents is not it.
TEST_F(KeyVaultClientTest, AnEarlierVersionWithTheSameContentsDoesNotConfirmAWrite) {
  auto config = Config();
  std::shared_ptr<http::Transport> transport;
  config.wrap_transport_for_testing = [&](std::shared_ptr<http::Transport> t) { return transport = t; };
  auto clients = NewClients(config);
  Client kv = ClientOnClock(*clients, transport, http::Clock::Real());
  const std::string vault = VaultUrl();
  auto earlier = clients->keyvault().SetSecret(vault, "same", Params("same-value"));
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  // The write begins an hour after that version on Key Vault's clock (the answers' Date header),
  // as a write does long after an earlier one; every try is answered 500.
  const std::string date = emulator::HttpDate(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  (std::chrono::system_clock::now() + std::chrono::hours(1)).time_since_epoch())
                                                  .count());
  Faults(nlohmann::json::array({{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500},
                                 {"headers", {{"Date", date}}}}}));
  auto again = kv.SetSecret(vault, "same", Params("same-value"));
  ASSERT_FALSE(again.ok()) << "taken for the earlier version " << earlier->id;
  EXPECT_NE(again.status().message().find("so the write did not take effect"), std::string::npos)
      << again.status().message();
}

// The same write confirmed after all, with this machine's clock an hour ahead of Key Vault's: the
// start of the write is taken on Key Vault's clock (the answers' Date header), so the version it
// made is not taken for an older one.
TEST_F(KeyVaultClientTest, AWriteIsConfirmedOnKeyVaultsClockNotThisMachines) {
  auto config = Config();
  std::shared_ptr<http::Transport> transport;
  config.wrap_transport_for_testing = [&](std::shared_ptr<http::Transport> t) { return transport = t; };
  auto clients = NewClients(config);
  AnHourOnClock later;
  Client kv = ClientOnClock(*clients, transport, &later);
  // Every write lands and is answered 500, dated by the emulator as Key Vault dates its answers.
  Faults(nlohmann::json::array({{{"service", "keyvault"}, {"method", "PUT"}, {"action", "status"}, {"status", 500},
                                 {"phase", "after"}}}));
  auto written = kv.SetSecret(VaultUrl(), "skewed", Params("skewed-value"));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->value, Secret("skewed-value"));
}

}  // namespace
}  // namespace adbjit::keyvault
