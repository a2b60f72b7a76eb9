#!/usr/bin/env python3
"""adbjit benchmark: the provider measured against the floor Terraform itself sets (issue 7).

Runs the real terraform CLI against adbjit-emulator and prints one table of every figure with its
target and PASS/FAIL; writes the same as JSON (OUT/results.json). Timings are ratios against a
baseline measured in the same run (configurations of the same shape made of terraform_data), with
the two interleaved repetition by repetition so that drift on a shared machine cancels out.

  bench.py --provider P --emulator E [--terraform T] --out DIR [--quick]

Everything runs on loopback and stops by itself (every subprocess has a timeout).
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
LATENCY_MS = 25
PARALLELISM = 10
CMD_TIMEOUT = 900  # seconds, per terraform command


def log(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ---- emulator ---------------------------------------------------------------------------------------

class Emulator:
    def __init__(self, binary, workdir):
        self.dir = os.path.join(workdir, "emulator")
        os.makedirs(self.dir, exist_ok=True)
        urls_file = os.path.join(self.dir, "urls.json")
        if os.path.exists(urls_file):
            os.remove(urls_file)
        self.log = open(os.path.join(self.dir, "emulator.log"), "w")
        self.proc = subprocess.Popen([binary, "--urls-file", urls_file, "--token-quota", "5000"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while not os.path.exists(urls_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the emulator did not start (see %s)" % self.log.name)
            time.sleep(0.05)
        with open(urls_file) as f:
            self.urls = json.load(f)

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.urls["admin"] + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def set_latency(self, ms):
        self.admin("POST", "/admin/latency", {"ms": ms})

    def reset_counters(self):
        self.admin("POST", "/admin/reset-counters", {})

    def counters(self):
        return self.admin("GET", "/admin/counters")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


_ID = re.compile(r"[0-9a-f]{8,}|\d{4}-\d{6}-[a-z0-9]+-pool-[A-Za-z0-9]+|bench-[a-z]+-\d+")


def summarize(counters):
    """Requests per (service, method, route), connections and requests per service."""
    routes = {}
    for r in counters.get("by_route", []):
        key = "%s %s %s" % (r["service"], r["method"], r.get("route") or _ID.sub("{id}", r["path"]))
        routes[key] = routes.get(key, 0) + r["count"]
    svc = counters.get("by_service", {})
    return {
        "routes": dict(sorted(routes.items())),
        "requests": {k: v["requests"] for k, v in svc.items()},
        "connections": {k: v["connections"] for k, v in svc.items()},
        "total_requests": sum(v["requests"] for v in svc.values()),
    }


# ---- terraform workspaces ---------------------------------------------------------------------------

def adbjit_config(n, vault_url):
    pools = max(1, n // 10)
    return f"""terraform {{
  required_providers {{
    adbjit = {{ source = "adbjit/adbjit" }}
  }}
}}

provider "adbjit" {{}}

locals {{
  vault_url = "{vault_url}"
}}

resource "adbjit_token" "t" {{
  count            = {n}
  comment          = "bench token ${{count.index}}"
  lifetime_seconds = 86400
}}

resource "adbjit_keyvault_binding" "b" {{
  count     = {n}
  vault_url = local.vault_url
  name      = "bench-binding-${{count.index}}"
  value     = adbjit_token.t[count.index].token_value
}}

resource "adbjit_instance_pool" "p" {{
  count                                 = {pools}
  instance_pool_name                    = "bench-pool-${{count.index}}"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 0
  max_capacity                          = 4
  idle_instance_autotermination_minutes = 20
}}
"""


def data_config(n):
    pools = max(1, n // 10)
    return f"""resource "terraform_data" "t" {{
  count = {n}
  input = {{ comment = "bench token ${{count.index}}", lifetime_seconds = 86400 }}
}}

resource "terraform_data" "b" {{
  count = {n}
  input = {{ name = "bench-binding-${{count.index}}", value = terraform_data.t[count.index].id }}
}}

resource "terraform_data" "p" {{
  count = {pools}
  input = {{ instance_pool_name = "bench-pool-${{count.index}}", node_type_id = "Standard_DS3_v2", max_capacity = 4 }}
}}
"""


class Terraform:
    """Runs terraform in per-configuration directories; the adbjit provider comes from dev_overrides
    through a wrapper that records every provider process start (to count processes per command)."""

    def __init__(self, terraform, provider, workdir, emulator):
        self.terraform = terraform
        self.workdir = workdir
        self.emulator = emulator
        self.plugin_dir = os.path.join(workdir, "plugin")
        os.makedirs(self.plugin_dir, exist_ok=True)
        self.starts_log = os.path.join(workdir, "provider-starts.log")
        wrapper = os.path.join(self.plugin_dir, "terraform-provider-adbjit")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\necho $$ >> "%s"\nexec "%s" "$@"\n' % (self.starts_log, os.path.abspath(provider)))
        os.chmod(wrapper, 0o755)
        rc = os.path.join(workdir, "terraformrc")
        with open(rc, "w") as f:
            f.write('provider_installation {\n  dev_overrides {\n    "adbjit/adbjit" = "%s"\n  }\n'
                    '  direct {}\n}\n' % self.plugin_dir)
        u = emulator.urls
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("TF_") or k.startswith("ARM_") or k.startswith("DATABRICKS_"):
                del self.env[k]
        self.env.update({
            "TF_CLI_CONFIG_FILE": rc,
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "DATABRICKS_HOST": u["databricks"],
            "AZURE_AUTHORITY_HOST": u["entra"],
            "ARM_TENANT_ID": u["tenant_id"],
            "ARM_CLIENT_ID": u["client_id"],
            "ARM_CLIENT_SECRET": u["client_secret"],
            "TMPDIR": workdir,
        })

    def workspace(self, kind, n):
        d = os.path.join(self.workdir, "ws", "%s-%d" % (kind, n))
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        text = adbjit_config(n, self.emulator.urls["keyvault"] + "/") if kind == "adbjit" else data_config(n)
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write(text)
        return d

    def provider_starts(self):
        try:
            with open(self.starts_log) as f:
                return len(f.read().split())
        except FileNotFoundError:
            return 0

    def run(self, ws, command, extra_env=None, check=True):
        args = [self.terraform, command, "-input=false", "-no-color", "-parallelism=%d" % PARALLELISM]
        if command in ("apply", "destroy"):
            args.append("-auto-approve")
        if command == "plan":
            args.append("-detailed-exitcode")
        env = dict(self.env)
        if extra_env:
            env.update(extra_env)
        starts = self.provider_starts()
        t0 = time.perf_counter()
        p = subprocess.run(args, cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=CMD_TIMEOUT)
        elapsed = time.perf_counter() - t0
        out = p.stdout.decode(errors="replace")
        with open(os.path.join(ws, "last-%s.log" % command), "w") as f:
            f.write(out)
        ok = p.returncode == 0
        if check and not ok:
            raise RuntimeError("terraform %s failed in %s (exit %d):\n%s" % (command, ws, p.returncode, out[-3000:]))
        return elapsed, self.provider_starts() - starts


# ---- figures ----------------------------------------------------------------------------------------

def make_client_cert(workdir):
    key = os.path.join(workdir, "client-key.pem")
    cert = os.path.join(workdir, "client.pem")
    # Terraform's AutoMTLS client certificate: a self-signed ECDSA P-256 certificate.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/O=HashiCorp/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    with open(cert) as f:
        return f.read()


def cpu_ns(pid):
    """CPU time (ns) the process's threads used so far (/proc/<pid>/task/*/schedstat)."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError):
        return None
    return total


def measure_startup(provider, workdir, reps):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update({"TF_PLUGIN_MAGIC_COOKIE": COOKIE, "PLUGIN_PROTOCOL_VERSIONS": "6",
                "PLUGIN_MIN_PORT": "10000", "PLUGIN_MAX_PORT": "25000",
                "PLUGIN_CLIENT_CERT": make_client_cert(workdir), "TMPDIR": workdir})
    times, cpus = [], []
    for i in range(reps + 1):  # the first start warms the page cache and is not counted
        r, w = os.pipe()
        t0 = time.perf_counter()
        pid = os.posix_spawn(provider, [provider], env,
                             file_actions=[(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r)])
        os.close(w)
        buf = b""
        deadline = time.time() + 10
        while b"\n" not in buf and time.time() < deadline:
            chunk = os.read(r, 4096)
            if not chunk:
                break
            buf += chunk
        t1 = time.perf_counter()
        cpu = cpu_ns(pid)
        os.close(r)
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        line = buf.decode(errors="replace").strip()
        if not re.match(r"^1\|6\|unix\|[^|]+\|grpc\|.+$", line):
            raise RuntimeError("unexpected handshake line: %r" % line)
        if i > 0:
            times.append((t1 - t0) * 1000)
            cpus.append(cpu / 1e6 if cpu is not None else None)
    return {"median_ms": median(times), "min_ms": min(times), "max_ms": max(times), "reps": reps,
            "cpu_median_ms": median(cpus)}


def binary_size(provider, workdir):
    stripped = os.path.join(workdir, "provider.stripped")
    shutil.copyfile(provider, stripped)
    subprocess.run(["strip", "--strip-all", stripped], check=True, timeout=120)
    return {"bytes": os.path.getsize(provider), "stripped_bytes": os.path.getsize(stripped)}


class DebugProvider:
    """One provider process in -debug mode; terraform attaches through TF_REATTACH_PROVIDERS."""

    def __init__(self, provider, workdir, env):
        self.log = open(os.path.join(workdir, "debug-provider.log"), "w")
        env = {k: v for k, v in env.items() if not k.startswith("TF_")}  # the emulator's ARM_*, hosts
        self.proc = subprocess.Popen([provider, "-debug"], stdout=subprocess.PIPE, stderr=self.log, env=env)
        deadline = time.time() + 20
        self.reattach = None
        while time.time() < deadline and self.reattach is None:
            line = self.proc.stdout.readline().decode()
            if not line:
                break
            m = re.search(r"TF_REATTACH_PROVIDERS='(.*)'", line)
            if m:
                self.reattach = m.group(1)
        if self.reattach is None:
            raise RuntimeError("the provider in -debug mode printed no TF_REATTACH_PROVIDERS")
        # The reattach key must match the provider address terraform resolves.
        j = json.loads(self.reattach)
        key = next(iter(j))
        if key != "registry.terraform.io/adbjit/adbjit":
            j = {"registry.terraform.io/adbjit/adbjit": j[key]}
            self.reattach = json.dumps(j)

    def vm(self, field):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        return None

    def cpu_seconds(self):
        # The process's utime + stime, which keep the time of threads that have ended (gRPC ends
        # idle ones); cpu_ns() sums the live threads only, which suits start-up but not this.
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def needed_calls(command, n, processes_with_calls):
    """The remote calls an operation needs (the model the counters are checked against)."""
    pools = max(1, n // 10)
    entra = 2 * processes_with_calls  # one token per scope (Databricks, Key Vault) per process
    refresh = {"databricks GET /api/2.0/token/list": 1,         # one shared list answers every token
               "keyvault GET /secrets/{name}": n,
               "databricks GET /api/2.0/instance-pools/get": pools}
    if command == "apply":
        routes = {"databricks POST /api/2.0/token/create": n,    # the answer carries token_info
                  # a binding first reads its secret: a live one adbjit did not write is refused
                  "keyvault GET /secrets/{name}": n,
                  "keyvault PUT /secrets/{name}": n,               # the answer carries the bundle
                  # names are unique in a workspace: a create first checks that its name is free,
                  # so that a lost answer is never taken to be another's pool
                  "databricks GET /api/2.0/instance-pools/list": pools,
                  "databricks POST /api/2.0/instance-pools/create": pools,
                  "databricks GET /api/2.0/instance-pools/get": pools}  # create answers only the id
    elif command == "plan":
        routes = dict(refresh)
    else:  # destroy = refresh + deletes
        routes = dict(refresh)
        routes.update({"databricks POST /api/2.0/token/delete": n,
                       # the secret is the binding's only while its version is the latest (a
                       # replacement made first, create_before_destroy, writes the same name)
                       "keyvault GET /secrets/{name}": 2 * n,
                       "keyvault DELETE /secrets/{name}": n,
                       "keyvault DELETE /deletedsecrets/{name}": n,   # purge_on_destroy
                       "keyvault GET /deletedsecrets/{name}": n,      # purge is async: wait until the name is free
                       "databricks POST /api/2.0/instance-pools/delete": pools})
    routes["entra POST token"] = entra
    return routes


def normalize_routes(routes):
    out = {}
    for k, v in routes.items():
        if k.startswith("entra ") and k.endswith("/token"):
            k = "entra POST token"
        out[k] = out.get(k, 0) + v
    return out


def unneeded(counted, needed):
    """Routes called more often than the operation needs (token list: up to 2 tolerated)."""
    extra = {}
    for k, v in counted.items():
        allowed = needed.get(k, 0)
        if k == "databricks GET /api/2.0/token/list" and allowed:
            allowed = 2
        if v > allowed:
            extra[k] = v - allowed
    return extra


def processes_with_calls(command, starts):
    # terraform starts the provider for the schema, for the plan walk and (apply/destroy) the apply
    # walk; API calls come from the walks that refresh or change resources.
    return {"apply": 1, "plan": 1, "destroy": 2}[command]


# ---- phases -----------------------------------------------------------------------------------------

def cycle(tf, ws, counters_of=None, emulator=None):
    """apply, plan (refresh) and destroy; returns times, provider starts and counters per command."""
    out = {}
    for command in ("apply", "plan", "destroy"):
        if emulator is not None:
            emulator.reset_counters()
        t, starts = tf.run(ws, command)
        out[command] = {"seconds": t, "provider_starts": starts}
        if emulator is not None:
            out[command]["counters"] = summarize(emulator.counters())
    return out


def paired(tf, emulator, n, reps, latency_ms, label):
    """Interleaves terraform_data and adbjit cycles; returns per-rep results for both."""
    emulator.set_latency(latency_ms)
    ws_a = tf.workspace("adbjit", n)
    ws_d = tf.workspace("data", n)
    results = {"adbjit": [], "data": []}
    for i in range(reps):
        log("%s N=%d rep %d/%d" % (label, n, i + 1, reps))
        results["data"].append(cycle(tf, ws_d))
        results["adbjit"].append(cycle(tf, ws_a, emulator=emulator))
    emulator.set_latency(0)
    return results


def times_of(runs, command):
    return [r[command]["seconds"] for r in runs]


def ratio_stats(res, command):
    a = times_of(res["adbjit"], command)
    d = times_of(res["data"], command)
    ratios = [x / y for x, y in zip(a, d)]
    return {"adbjit_s": median(a), "data_s": median(d), "ratio": median(ratios)}


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def attached_plan(tf, provider, workdir, n, reps):
    """The per-call part of the plan's overhead: plans through one warm provider process that
    terraform attaches to (TF_REATTACH_PROVIDERS: no process to start or stop, no TLS), against
    terraform_data. The attached provider is not terraform's child, so the children's CPU time of
    each run is terraform's own."""
    ws_a = tf.workspace("adbjit", n)
    ws_d = tf.workspace("data", n)
    tf.run(ws_a, "apply")
    tf.run(ws_d, "apply")
    dp = DebugProvider(provider, workdir, tf.env)
    attach = {"TF_REATTACH_PROVIDERS": dp.reattach}
    runs = {"adbjit": [], "data": []}
    try:
        tf.run(ws_a, "plan", extra_env=attach)  # warm: Entra tokens, libcurl, connections
        for i in range(reps):
            log("attached plan N=%d rep %d/%d" % (n, i + 1, reps))
            for kind, ws, env in (("data", ws_d, None), ("adbjit", ws_a, attach)):
                c0, p0 = children_cpu_seconds(), dp.cpu_seconds()
                t, _ = tf.run(ws, "plan", extra_env=env)
                runs[kind].append({"s": t, "terraform_cpu_s": children_cpu_seconds() - c0,
                                   "provider_cpu_s": dp.cpu_seconds() - p0})
    finally:
        dp.stop()
    tf.run(ws_a, "destroy")
    tf.run(ws_d, "destroy")
    pick = lambda kind, key: [r[key] for r in runs[kind]]
    return {"adbjit_s": median(pick("adbjit", "s")), "data_s": median(pick("data", "s")),
            "ratio": median([a / d for a, d in zip(pick("adbjit", "s"), pick("data", "s"))]),
            "terraform_cpu_s": median(pick("adbjit", "terraform_cpu_s")),
            "data_terraform_cpu_s": median(pick("data", "terraform_cpu_s")),
            "provider_cpu_s": median(pick("adbjit", "provider_cpu_s"))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--provider", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, N up to 100")
    ap.add_argument("--reps", type=int, help="repetitions of each timed cycle")
    ap.add_argument("--machine", default="")
    args = ap.parse_args()

    quick = args.quick
    reps = args.reps or (2 if quick else 5)
    startup_reps = 15 if quick else 50
    scale_ns = [10, 50, 100] if quick else [10, 100, 500]
    scale_reps = {10: reps, 50: 1, 100: reps, 500: 2}
    n_main = 50 if quick else 100

    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="run-", dir=out_dir)
    started = time.time()
    results = {"machine": args.machine or "%d cores, %s" % (os.cpu_count(), os.uname().release),
               "quick": quick, "reps": reps, "n": n_main, "latency_ms": LATENCY_MS, "parallelism": PARALLELISM}

    # Figures of an unoptimised provider say little: name the build type in the table.
    version = subprocess.run([args.provider, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=30).stdout.decode(errors="replace")
    m = re.search(r"build type (\S+)", version)
    results["build_type"] = m.group(1) if m else "unknown"
    if results["build_type"] not in ("Release", "RelWithDebInfo", "MinSizeRel"):
        log("WARNING: the provider is a %s build; configure with -DCMAKE_BUILD_TYPE=Release" % results["build_type"])

    log("binary size and start-up (%d starts)" % startup_reps)
    results["binary"] = binary_size(args.provider, workdir)
    results["startup"] = measure_startup(args.provider, workdir, startup_reps)

    emulator = Emulator(args.emulator, workdir)
    try:
        tf = Terraform(args.terraform, args.provider, workdir, emulator)

        # Core overhead (zero latency), interleaved with the terraform_data baseline.
        core = paired(tf, emulator, n_main, reps, 0, "core")
        results["core"] = {c: ratio_stats(core, c) for c in ("apply", "plan", "destroy")}
        results["attached_plan"] = attached_plan(tf, args.provider, workdir, n_main, reps)

        # Latency-bound: 25 ms per request, -parallelism=10.
        lat = paired(tf, emulator, n_main, reps, LATENCY_MS, "latency")
        results["latency"] = {}
        for c in ("apply", "plan", "destroy"):
            counted = normalize_routes(lat["adbjit"][0][c]["counters"]["routes"])
            procs = processes_with_calls(c, lat["adbjit"][0][c]["provider_starts"])
            need = needed_calls(c, n_main, procs)
            calls = sum(need.values())
            data_s = median(times_of(lat["data"], c))
            floor = data_s + calls * LATENCY_MS / 1000.0 / PARALLELISM
            a = times_of(lat["adbjit"], c)
            d = times_of(lat["data"], c)
            ratios = [x / (y + calls * LATENCY_MS / 1000.0 / PARALLELISM) for x, y in zip(a, d)]
            results["latency"][c] = {
                "adbjit_s": median(a), "data_s": data_s, "floor_s": floor, "ratio": median(ratios),
                "needed_calls": calls, "counted_calls": sum(counted.values()),
                "counted_routes": counted, "needed_routes": need,
                "unneeded": unneeded(counted, need),
                "provider_starts": lat["adbjit"][0][c]["provider_starts"],
                "token_list_calls": max(normalize_routes(r[c]["counters"]["routes"]).get(
                    "databricks GET /api/2.0/token/list", 0) for r in lat["adbjit"]),
                "connections": lat["adbjit"][0][c]["counters"]["connections"],
            }

        # Frugality and memory: one provider process in -debug mode serves a whole apply, and a
        # fresh one a refresh (schema + configure + reads) and the destroy; at 25 ms latency, so
        # that requests overlap as much as -parallelism allows.
        log("frugality and memory (debug-mode provider processes)")
        emulator.set_latency(LATENCY_MS)
        ws = tf.workspace("adbjit", n_main)
        fr = {}
        for phase, commands in (("apply", ["apply"]), ("refresh+destroy", ["plan", "destroy"])):
            dp = DebugProvider(args.provider, workdir, tf.env)
            try:
                emulator.reset_counters()
                for c in commands:
                    tf.run(ws, c, extra_env={"TF_REATTACH_PROVIDERS": dp.reattach})
                    if c == "plan":
                        fr["rss_after_refresh_bytes"] = dp.vm("VmHWM")
                s = summarize(emulator.counters())
                fr[phase] = {"entra_requests": s["requests"].get("entra", 0),
                             "connections": s["connections"], "peak_rss_bytes": dp.vm("VmHWM"),
                             "routes": normalize_routes(s["routes"])}
            finally:
                dp.stop()
        emulator.set_latency(0)
        results["frugality"] = fr

        # Scaling (zero latency): apply and refresh at several N.
        scale = {}
        for n in scale_ns:
            if n == n_main:
                res = core
            else:
                res = paired(tf, emulator, n, scale_reps.get(n, 1), 0, "scaling")
            scale[n] = {c: ratio_stats(res, c) for c in ("apply", "plan")}
        results["scaling"] = {}
        for c in ("apply", "plan"):
            pts = [(n, scale[n][c]["adbjit_s"], scale[n][c]["data_s"]) for n in scale_ns]
            (n0, a0, d0), (n1, a1, d1), (n2, a2, d2) = pts
            s1, s2 = (a1 - a0) / (n1 - n0), (a2 - a1) / (n2 - n1)
            ds1, ds2 = (d1 - d0) / (n1 - n0), (d2 - d1) / (n2 - n1)
            res_n = lambda n: 2 * n + max(1, n // 10)  # resources in the configuration
            # The provider's own cost: adbjit time minus the terraform_data time of the same shape.
            o = [(a - d) for _, a, d in pts]
            o1 = (o[1] - o[0]) / (res_n(n1) - res_n(n0))
            o2 = (o[2] - o[1]) / (res_n(n2) - res_n(n1))
            results["scaling"][c] = {
                "points": [{"n": n, "adbjit_s": a, "data_s": d, "per_resource_ms": 1000 * a / res_n(n),
                            "overhead_per_resource_ms": 1000 * (a - d) / res_n(n),
                            "ratio": scale[n][c]["ratio"]} for n, a, d in pts],
                "slope_ms": [1000 * s1, 1000 * s2], "data_slope_ms": [1000 * ds1, 1000 * ds2],
                "overhead_slope_ms": [1000 * o1, 1000 * o2],
                # Linear provider cost: the ratio to terraform_data does not grow with N.
                "linearity": scale[n2][c]["ratio"] / scale[n1][c]["ratio"],
                "adbjit_slope_growth": s2 / s1 if s1 > 0 else None,
                "data_slope_growth": ds2 / ds1 if ds1 > 0 else None,
            }
    finally:
        emulator.stop()
    results["elapsed_s"] = time.time() - started
    report(results, out_dir)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


# ---- report -----------------------------------------------------------------------------------------

def report(r, out_dir):
    rows = []

    def row(figure, value, target, ok, detail=""):
        rows.append({"figure": figure, "value": value, "target": target,
                     "result": "-" if ok is None else ("PASS" if ok else "FAIL"), "detail": detail})

    mb = 1024 * 1024
    s = r["startup"]
    row("start-up: process start -> handshake (median of %d)" % s["reps"], "%.2f ms" % s["median_ms"], "< 10 ms",
        s["median_ms"] < 10, "min %.2f, max %.2f; CPU time to handshake (median) %.2f ms" % (
            s["min_ms"], s["max_ms"], s["cpu_median_ms"] or -1))
    rss = r["frugality"].get("rss_after_refresh_bytes")
    row("peak RSS after schema + configure + %d reads" % (2 * r["n"] + r["n"] // 10),
        "%.1f MB" % (rss / mb), "< 25 MB", rss < 25 * mb)
    row("binary size (stripped)", "%.1f MB" % (r["binary"]["stripped_bytes"] / mb), "reported", None,
        "unstripped %.1f MB" % (r["binary"]["bytes"] / mb))
    for c in ("apply", "plan", "destroy"):
        x = r["core"][c]
        row("core overhead: %s (N=%d, 0 ms)" % (c, r["n"]), "%.2fx" % x["ratio"], "<= 1.5x", x["ratio"] <= 1.5,
            "adbjit %.2f s / terraform_data %.2f s" % (x["adbjit_s"], x["data_s"]))
    x = r.get("attached_plan")
    if x:
        row("  plan through one attached provider (no start, no TLS)", "%.2fx" % x["ratio"], "reported", None,
            "adbjit %.2f s / terraform_data %.2f s; CPU: terraform %.2f s (with terraform_data %.2f s), "
            "provider %.2f s" % (x["adbjit_s"], x["data_s"], x["terraform_cpu_s"], x["data_terraform_cpu_s"],
                                 x["provider_cpu_s"]))
    for c in ("apply", "plan", "destroy"):
        x = r["latency"][c]
        row("latency-bound: %s (%d ms, -parallelism=%d)" % (c, r["latency_ms"], r["parallelism"]),
            "%.2fx" % x["ratio"], "<= 1.2x", x["ratio"] <= 1.2,
            "%.2f s vs floor %.2f s = %.2f + %d calls x %d ms / %d" % (
                x["adbjit_s"], x["floor_s"], x["data_s"], x["needed_calls"], r["latency_ms"], r["parallelism"]))
    fr = r["frugality"]
    per_scope = max(fr[p]["entra_requests"] / 2.0 for p in ("apply", "refresh+destroy"))
    row("Entra token requests per provider process per scope", "%g" % per_scope, "= 1", per_scope == 1,
        "apply process %d, refresh+destroy process %d (2 scopes)" % (
            fr["apply"]["entra_requests"], fr["refresh+destroy"]["entra_requests"]))
    lists = r["latency"]["plan"]["token_list_calls"]
    row("token-list calls for a refresh of %d tokens" % r["n"], str(lists), "<= 2", lists <= 2)
    conns = max(max(fr[p]["connections"].values()) for p in ("apply", "refresh+destroy"))
    total = max(sum(fr[p]["connections"].values()) for p in ("apply", "refresh+destroy"))
    row("connections accepted per provider process (max per service)", str(conns),
        "<= %d" % (r["parallelism"] + 2), conns <= r["parallelism"] + 2,
        "all services %d; %s" % (total, "; ".join("%s %s" % (p, fr[p]["connections"]) for p in ("apply", "refresh+destroy"))))
    extra = {c: r["latency"][c]["unneeded"] for c in ("apply", "plan", "destroy")}
    n_extra = sum(sum(v.values()) for v in extra.values())
    row("unneeded requests (apply + refresh + destroy)", str(n_extra), "0", n_extra == 0,
        "; ".join("%s: %s" % (c, v) for c, v in extra.items() if v) or "every request is needed")
    for c in ("apply", "plan"):
        x = r["scaling"][c]
        pts = ", ".join("N=%d %.2fs (%.2fx)" % (p["n"], p["adbjit_s"], p["ratio"]) for p in x["points"])
        lin = x["linearity"]
        row("scaling: %s, ratio at N=%d / ratio at N=%d" % (c, x["points"][2]["n"], x["points"][1]["n"]),
            "%.2f" % lin, "<= 1.1 (linear)", lin <= 1.1,
            "%s; provider ms per extra resource %.1f then %.1f; per-resource time %s" % (
                pts, x["overhead_slope_ms"][0], x["overhead_slope_ms"][1],
                ", ".join("%.1f ms" % p["per_resource_ms"] for p in x["points"])))
    r["table"] = rows

    w1 = max(len(x["figure"]) for x in rows)
    w2 = max(len(x["value"]) for x in rows)
    w3 = max(len(x["target"]) for x in rows)
    lines = ["adbjit benchmark (%s%s, reps %d, machine: %s, provider build type %s)" % (
                 "quick, " if r["quick"] else "", "N=%d" % r["n"], r["reps"], r["machine"], r.get("build_type", "?")),
             "%-*s  %-*s  %-*s  %s" % (w1, "figure", w2, "value", w3, "target", "result"),
             "-" * (w1 + w2 + w3 + 14)]
    for x in rows:
        lines.append("%-*s  %-*s  %-*s  %s" % (w1, x["figure"], w2, x["value"], w3, x["target"], x["result"]))
        if x["detail"]:
            lines.append("%-*s    %s" % (w1, "", x["detail"]))
    lines.append("")
    lines.append("remote calls per operation (N=%d, counted by the emulator / needed):" % r["n"])
    for c in ("apply", "plan", "destroy"):
        x = r["latency"][c]
        lines.append("  %s: %d / %d calls, %d provider processes started" % (
            c, x["counted_calls"], x["needed_calls"], x["provider_starts"]))
        for k in sorted(set(x["counted_routes"]) | set(x["needed_routes"])):
            lines.append("    %-52s %5d / %d" % (k, x["counted_routes"].get(k, 0), x["needed_routes"].get(k, 0)))
    lines.append("elapsed %.0f s" % r["elapsed_s"])
    text = "\n".join(lines)
    print(text, flush=True)
    with open(os.path.join(out_dir, "results.txt"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(r, f, indent=2, sort_keys=True)
    print("wrote %s" % os.path.join(out_dir, "results.json"), flush=True)


if __name__ == "__main__":
    sys.exit(main())
