/**
 * INI config: parsing, `${VAR}` / `${VAR:-default}` substitution, typed
 * accessors, every error case with its message (file, line, key, value),
 * secrets only from the environment and redacted everywhere, and the sample
 * config files of every process.
 */
import assert from "node:assert/strict";
import {
  bool,
  ConfigError,
  endpoint,
  int,
  list,
  loadConfig,
  mapSection,
  num,
  oneOf,
  parseConfig,
  secret,
  section,
  str,
} from "../../services/common/config/schema.ts";
import { parseIni, substitute } from "../../services/common/config/ini.ts";
import { COMMON_SCHEMA } from "../../services/common/config/common.ts";
import { LAUNCH_SCHEMA } from "../../services/common/launcher.ts";
import { LP_SCHEMA } from "../../services/lp_rebalancer/main.ts";
import { clearSecretsForTest, redact } from "../../services/common/redact.ts";
import { createLogging } from "../../services/common/log.ts";

const schema = {
  service: section({
    name: str({ pattern: /^[a-z_]+$/ }),
    port: int({ default: 9000, min: 0, max: 65535 }),
    ratio: num({ default: 0.5, min: 0, max: 1 }),
    dry_run: bool({ default: true }),
    venues: list({ default: ["binance"] }),
    note: str({ optional: true }),
  }),
  log: section({ level: oneOf(["debug", "info", "warn"] as const, { default: "info" }) }),
  "log.levels": mapSection(oneOf(["debug", "info", "warn"] as const)),
  exchange: section({
    api_key: secret(),
    api_secret: secret({ optional: true }),
  }, { optional: true }),
  endpoints: section({ market_data: endpoint({ default: "tcp://127.0.0.1:7001" }) }),
};

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("config: substitution of ${VAR}, ${VAR:-default} and $$", () => {
  const env = { HOST: "10.1.2.3", EMPTY: "" };
  assert.equal(substitute("tcp://${HOST}:7001", env).value, "tcp://10.1.2.3:7001");
  assert.equal(substitute("${MISSING:-fallback}", env).value, "fallback");
  assert.equal(substitute("${EMPTY:-used when empty}", env).value, "used when empty");
  assert.equal(substitute("${HOST:-unused}", env).value, "10.1.2.3");
  assert.equal(substitute("cost $$5 ${HOST}", env).value, "cost $5 10.1.2.3");
  assert.equal(substitute("a$b", env).value, "a$b");
  assert.deepStrictEqual(substitute("${HOST}-${MISSING:-x}", env).vars, ["HOST", "MISSING"]);
  assert.throws(() => substitute("${MISSING}", env), /environment variable MISSING is not set/);
  assert.throws(() => substitute("${HOST", env), /unterminated "\$\{" at column 1/);
  assert.throws(() => substitute("${1BAD}", env), /invalid variable name "1BAD"/);
});

Deno.test("config: typed accessors, defaults, comments, quotes", () => {
  const text = [
    "; comment",
    "# another",
    "[service]",
    "name = trader",
    "port = ${PORT:-9104}",
    "ratio = 0.25",
    "dry_run = no",
    "venues = binance, bybit ,okx",
    'note = "  spaced  "',
    "",
    "[log.levels]",
    "bus = debug",
    "[exchange]",
    "api_key = ${KEY}",
    "[endpoints]",
    "market_data = tcp://${HOST:-127.0.0.1}:7001",
  ].join("\n");
  const cfg = parseConfig(text, "t.ini", schema, { KEY: "k-123456" });
  assert.equal(cfg.service.name, "trader");
  assert.equal(cfg.service.port, 9104);
  assert.equal(cfg.service.ratio, 0.25);
  assert.equal(cfg.service.dry_run, false);
  assert.deepStrictEqual(cfg.service.venues, ["binance", "bybit", "okx"]);
  assert.equal(cfg.service.note, "  spaced  ");
  assert.equal(cfg.log.level, "info");
  assert.deepStrictEqual(cfg["log.levels"], { bus: "debug" });
  assert.equal(cfg.exchange?.api_key.reveal(), "k-123456");
  assert.equal(cfg.exchange?.api_secret, undefined);
  assert.equal(cfg.endpoints.market_data, "tcp://127.0.0.1:7001");
  const noExchange = parseConfig("[service]\nname = x\n", "t.ini", schema, {});
  assert.equal(noExchange.exchange, undefined);
  assert.equal(noExchange.service.port, 9000);
});

Deno.test("config: every error case reports file, line, section, key and value", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      "[service]\nname = x\nfoo = 1\n",
      {},
      /^ {2}e\.ini:3: \[service\] foo = "1": unknown key \(known in \[service\]: name, port/m,
    ],
    ["[service]\nport = 1\n", {}, /e\.ini:1: \[service\] name: missing required key \(string\)/],
    [
      "[log]\nlevel = info\n",
      {},
      /e\.ini: \[service\] name: missing required key \(string\); section \[service\] is absent/,
    ],
    [
      "[service]\nname = x\nport = abc\n",
      {},
      /e\.ini:3: \[service\] port = "abc": expected an integer/,
    ],
    [
      "[service]\nname = x\nport = 70000\n",
      {},
      /e\.ini:3: \[service\] port = "70000": must be <= 65535/,
    ],
    [
      "[service]\nname = x\nratio = lots\n",
      {},
      /e\.ini:3: \[service\] ratio = "lots": expected a number/,
    ],
    [
      "[service]\nname = x\ndry_run = maybe\n",
      {},
      /e\.ini:3: \[service\] dry_run = "maybe": expected a boolean/,
    ],
    ["[service]\nname = Bad-Name\n", {}, /e\.ini:2: \[service\] name = "Bad-Name": must match/],
    [
      "[service]\nname = x\n[log]\nlevel = loud\n",
      {},
      /e\.ini:4: \[log\] level = "loud": expected one of debug, info, warn/,
    ],
    [
      "[service]\nname = x\nport = ${PORT}\n",
      {},
      /e\.ini:3: \[service\] port = "\$\{PORT\}": environment variable PORT is not set/,
    ],
    [
      "[service]\nname = x\n[endpoints]\nmarket_data = http://x:1\n",
      {},
      /e\.ini:4: \[endpoints\] market_data = "http:\/\/x:1": expected a ZeroMQ endpoint/,
    ],
    [
      "[service]\nname = x\n[nope]\n",
      {},
      /e\.ini:3: \[nope\]: unknown section \(known: service, log, log\.levels, exchange, endpoints\)/,
    ],
    ["name = x\n", {}, /e\.ini:1: name = "x": key outside any \[section\]/],
    [
      "[service]\nname = x\nname = y\n",
      {},
      /e\.ini:3: \[service\] name = "y": duplicate key \(first at line 2\)/,
    ],
    [
      "[service]\nname = x\n[service]\n",
      {},
      /e\.ini:3: \[service\] "\[service\]": duplicate section \(first at line 1\)/,
    ],
    ["[service\nname = x\n", {}, /e\.ini:1: "\[service": malformed section header/],
    [
      "[service]\nname = x\njust words\n",
      {},
      /e\.ini:3: \[service\] "just words": expected 'key = value'/,
    ],
    [
      "[service]\nname = x\n[log.levels]\nbus = verbose\n",
      {},
      /e\.ini:4: \[log\.levels\] bus = "verbose": expected one of/,
    ],
    [
      "[service]\nname = x\n[exchange]\napi_key = ${KEY}\n",
      { KEY: "" },
      /e\.ini:4: \[exchange\] api_key = "\$\{KEY\}": environment variable KEY is empty/,
    ],
    [
      "[service]\nname = x\n[exchange]\n",
      {},
      /e\.ini:3: \[exchange\] api_key: missing required key \(secret\)/,
    ],
  ];
  for (const [text, env, re] of cases) {
    const e = errorOf(() => parseConfig(text, "e.ini", schema, env));
    assert.match(e.message, re, `for:\n${text}\ngot:\n${e.message}`);
    assert.match(e.message, /^Invalid configuration e\.ini \(\d+ problems?\):/);
    assert.ok(e.issues.length >= 1);
  }
});

Deno.test("config: all problems are reported at once, in line order", () => {
  const e = errorOf(() =>
    parseConfig("[service]\nport = x\nbad = 1\n[log]\nlevel = loud\n", "m.ini", schema, {})
  );
  assert.equal(e.issues.length, 4);
  assert.deepStrictEqual(e.issues.map((i) => [i.line, i.key]), [
    [1, "name"],
    [2, "port"],
    [3, "bad"],
    [5, "level"],
  ]);
  assert.equal(e.issues[1].value, "x");
  assert.equal(e.issues[1].section, "service");
  assert.equal(e.issues[1].file, "m.ini");
});

Deno.test("config: secrets only from the environment, redacted in errors and logs", async () => {
  clearSecretsForTest();
  // A literal secret is refused and never echoed.
  const e = errorOf(() =>
    parseConfig(
      "[service]\nname = x\n[exchange]\napi_key = sk-live-abcdef123456\n",
      "s.ini",
      schema,
      {},
    )
  );
  assert.match(
    e.message,
    /s\.ini:4: \[exchange\] api_key = "<redacted>": secrets must come from the environment: write \$\{ENV_VAR\}/,
  );
  assert.ok(!e.message.includes("sk-live-abcdef123456"));
  // An unknown key that looks secret is not echoed either.
  const e2 = errorOf(() =>
    parseConfig("[service]\nname = x\nprivate_key = 0xdeadbeefcafe\n", "s.ini", schema, {})
  );
  assert.match(e2.message, /private_key = "<redacted>": unknown key/);
  assert.ok(!e2.message.includes("deadbeef"));

  // From the environment: a Secret that prints as *** and is redacted from output.
  const value = "0xPRIVATE-KEY-VALUE-42";
  const cfg = parseConfig(
    "[service]\nname = x\n[exchange]\napi_key = ${LP_KEY}\n",
    "s.ini",
    schema,
    { LP_KEY: value },
  );
  const key = cfg.exchange!.api_key;
  assert.equal(`${key}`, "***");
  assert.equal(JSON.stringify({ key }), '{"key":"***"}');
  assert.ok(!Deno.inspect(key).includes(value));
  assert.equal(key.reveal(), value);
  assert.equal(redact(`signing with ${value}!`), "signing with ***!");
  // Even when revealed by mistake, logs (console and file) and errors show ***.
  const dir = await Deno.makeTempDir();
  const file = `${dir}/log.jsonl`;
  const logging = createLogging({ console: false, file });
  logging.logger("t").info(`oops ${key.reveal()}`, { leaked: key.reveal(), api_key: "abc-raw" });
  await logging.close();
  const text = await Deno.readTextFile(file);
  assert.ok(!text.includes(value), text);
  assert.ok(!text.includes("abc-raw"), text);
  assert.match(text, /"msg":"oops \*\*\*"/);
  const later = errorOf(() =>
    parseConfig(`[service]\nname = x\nport = ${value}\n`, "s.ini", schema, {})
  );
  assert.ok(!later.message.includes(value));
  await Deno.remove(dir, { recursive: true });
  clearSecretsForTest();
});

Deno.test("config: missing file is a ConfigError naming the path", async () => {
  await assert.rejects(
    () => loadConfig("config/does_not_exist.ini", schema),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /config\/does_not_exist\.ini: cannot read config file/);
      return true;
    },
  );
});

Deno.test("config: parseIni keeps raw values and line numbers", () => {
  const ini = parseIni("[a]\n\nx = ${V:-1}\n", "r.ini", {});
  const x = ini.sections.get("a")!.entries.get("x")!;
  assert.equal(x.value, "1");
  assert.equal(x.raw, "${V:-1}");
  assert.equal(x.line, 3);
});

Deno.test("config: sample INI files of every process validate against the common schema", async () => {
  // a process's own sections validate against its schema; the LP rebalancer's
  // wallet key and pool come from the environment
  const lpEnv = {
    LP_WALLET_PRIVATE_KEY: "0x" + "11".repeat(32),
    ALP_LP_POOL: "0x" + "22".repeat(20),
  };
  for (
    const name of ["market_server", "position_server", "trading_engine", "trader", "lp_rebalancer"]
  ) {
    const cfg = name === "lp_rebalancer"
      ? await loadConfig(`config/${name}.ini`, { ...COMMON_SCHEMA, ...LP_SCHEMA }, lpEnv)
      : await loadConfig(`config/${name}.ini`, COMMON_SCHEMA, {});
    assert.equal(cfg.service.name, name);
    assert.match(cfg.endpoints.market_data, /^tcp:\/\/127\.0\.0\.1:7001$/);
    assert.equal(cfg.endpoints.orders, "tcp://127.0.0.1:7003");
    assert.ok(cfg.service.health_port >= 9101 && cfg.service.health_port <= 9105);
  }
  const trader = await loadConfig("config/launch_trader.ini", LAUNCH_SCHEMA, {});
  assert.ok(Object.keys(trader.processes).length >= 4);
  const lp = await loadConfig("config/launch_lp.ini", LAUNCH_SCHEMA, {});
  assert.deepEqual(Object.keys(lp.processes), ["lp_rebalancer"]);
  const env = await loadConfig("config/trader.ini", COMMON_SCHEMA, {
    ALP_BUS_HOST: "10.0.0.7",
    ALP_LOG_LEVEL: "debug",
  });
  assert.equal(env.endpoints.orders, "tcp://10.0.0.7:7003");
  assert.equal(env.log.level, "debug");
});
