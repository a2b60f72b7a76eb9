// The admin API: request log, counters, live objects, fault rules, latency, resets, health.
#include "emulator/common.h"
#include "emulator/server_impl.h"

namespace adbjit::emulator {

void Server::Impl::InstallAdmin(httplib::Server& svr) {
  auto body_json = [](const httplib::Request& req, httplib::Response& res, nlohmann::json* out) {
    *out = req.body.empty() ? nlohmann::json::object() : ParseJsonBody(req.body);
    if (out->is_discarded()) {
      ReplyJson(res, 400, {{"error", "request body is not valid JSON"}});
      return false;
    }
    return true;
  };
  svr.Get("/admin/health", [this](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, 200, {{"status", "ok"},
                         {"urls", {{"entra", Url(kEntra)}, {"databricks", Url(kDatabricks)},
                                   {"keyvault", Url(kKeyVault)}, {"admin", Url(kAdmin)}}}});
  });
  svr.Get("/admin/requests", [this](const httplib::Request& req, httplib::Response& res) {
    ReplyJson(res, 200, metrics.Requests(req.get_param_value("service")));
  });
  svr.Get("/admin/counters", [this](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, 200, metrics.Counters());
  });
  svr.Get("/admin/objects", [this](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, 200, Objects());
  });
  svr.Get("/admin/faults", [this](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, 200, faults.Rules());
  });
  svr.Post("/admin/faults", [this, body_json](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json spec;
    if (!body_json(req, res, &spec)) return;
    std::string why;
    if (!faults.Apply(spec, &why)) {
      ReplyJson(res, 400, {{"error", why}});
      return;
    }
    ReplyJson(res, 200, faults.Rules());
  });
  svr.Delete("/admin/faults", [this](const httplib::Request&, httplib::Response& res) {
    faults.Clear();
    ReplyJson(res, 200, faults.Rules());
  });
  svr.Post("/admin/latency", [this, body_json](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json spec;
    if (!body_json(req, res, &spec)) return;
    int64_t ms = 0;
    if (!spec.contains("ms") || !JsonInt64(spec["ms"], &ms) || ms < 0) {
      ReplyJson(res, 400, {{"error", "expected {\"ms\": <non-negative integer>}"}});
      return;
    }
    faults.SetLatencyMs(static_cast<int>(ms));
    ReplyJson(res, 200, {{"latency_ms", faults.latency_ms()}});
  });
  svr.Post("/admin/reset-counters", [this](const httplib::Request&, httplib::Response& res) {
    metrics.Reset();
    ReplyJson(res, 200, nlohmann::json::object());
  });
  svr.Post("/admin/reset", [this](const httplib::Request&, httplib::Response& res) {
    ResetObjects();
    metrics.Reset();
    ReplyJson(res, 200, nlohmann::json::object());
  });
}

}  // namespace adbjit::emulator
