"""Scrapy project settings and every ``NEWSCRAWL_*`` default, grouped and commented.

Components read these through ``from_crawler`` with typed getters; the command line
overrides them per run. Nothing else in newscrawl holds configuration.
"""

from __future__ import annotations

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# --- politeness ------------------------------------------------------------------------
#: Contact shown in the user agent; set it to a URL or address where site owners reach you.
NEWSCRAWL_CONTACT = "https://github.com/newscrawl/newscrawl"
USER_AGENT = f"newscrawl/0.1 (+{NEWSCRAWL_CONTACT})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
#: Items of one response processed at once. The pipelines are synchronous, so more buys
#: nothing, while Scrapy starts this many tasks for every response (default 100; the
#: cost is measured by bench/crawl.py).
CONCURRENT_ITEMS = 8

# --- robustness ------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- extraction ------------------------------------------------------------------------
#: Query parameters removed from canonical URLs (``*`` marks a prefix).
NEWSCRAWL_TRACKING_PARAMS: list[str] = []  # empty: use newscrawl.urls.TRACKING_PARAMS
#: Folder of user site profiles (``*.toml``), searched before the bundled ones.
NEWSCRAWL_SITES_DIR = ""

# --- run outputs (set per run by `newscrawl crawl`) ------------------------------------------
#: Path of the JSON Lines output; empty disables the output pipeline.
NEWSCRAWL_OUTPUT = ""
#: Path of the rejects file (``<OUT>.rejects.jsonl``) and the run summary (``<OUT>.stats.json``).
NEWSCRAWL_REJECTS = ""
NEWSCRAWL_STATS = ""
#: State store remembering earlier runs: SQLite file path or ``redis://`` URL; empty = none.
NEWSCRAWL_STATE = ""

# --- item pipelines: normalize, validate, deduplicate, state across runs ---------------
#: Put every item in the record formats (NFC text, ISO 8601 dates, canonical URL, hashes).
NEWSCRAWL_NORMALIZE_ENABLED = True
#: Time zone (IANA name, "Europe/Istanbul") for page times that state no offset; a site
#: profile sets it. Empty: such times stay without an offset (never a guessed one).
NEWSCRAWL_DEFAULT_TIMEZONE = ""
#: Reject non-articles (``not_article``) and records that break the schema (``invalid``).
NEWSCRAWL_VALIDATE_ENABLED = True
#: Fewer body words than this and a page is not an article.
NEWSCRAWL_MIN_BODY_WORDS = 40
#: Emit each article once: same canonical_url, same content_hash, near-duplicate body.
NEWSCRAWL_DEDUP_ENABLED = True
#: Near-duplicate bodies (syndicated or lightly edited copies): MinHash + LSH.
NEWSCRAWL_NEARDUP_ENABLED = True
#: Estimated Jaccard similarity of two bodies' word 5-gram sets from which the later one is
#: a duplicate of the first (0.8: a 500-word wire story with a line or two added or changed
#: is one; two stories on the same event are not). The band layout below finds pairs from
#: about 0.7 on; values below that lose recall.
NEWSCRAWL_NEARDUP_THRESHOLD = 0.8
#: MinHash permutations, LSH bands (rows per band = permutations / bands) and shingle size
#: in words. A state store's near-duplicate index is built for one layout: changing it
#: empties that index (exact duplicates are still found).
NEWSCRAWL_NEARDUP_NUM_PERM = 128
NEWSCRAWL_NEARDUP_BANDS = 16
NEWSCRAWL_NEARDUP_SHINGLE_SIZE = 5
#: With a state store: send If-None-Match / If-Modified-Since for pages emitted before.
NEWSCRAWL_CONDITIONAL_ENABLED = True
ITEM_PIPELINES = {
    "newscrawl.pipelines.normalize_pipeline.NormalizePipeline": 100,
    "newscrawl.pipelines.validate_pipeline.ValidatePipeline": 200,
    "newscrawl.pipelines.dedup_pipeline.DedupPipeline": 300,
    "newscrawl.pipelines.output_pipeline.OutputPipeline": 900,
}

# --- crawling: spiders, host guard, Retry-After, run report -------------------------------
#: Run report (``newscrawl.extensions.report.RunReport``): rejects file, stats file, summary.
NEWSCRAWL_REPORT_ENABLED = True
#: Print the one-line run summary on stderr when the spider closes.
NEWSCRAWL_SUMMARY = True
#: Progress on stderr (``newscrawl.extensions.progress.Progress``): a live line when stderr
#: is a terminal, else one plain line every NEWSCRAWL_PROGRESS_INTERVAL seconds. Off here so
#: that Scrapy's own commands keep a plain log; ``newscrawl crawl`` turns it on (not --quiet).
NEWSCRAWL_PROGRESS_ENABLED = False
NEWSCRAWL_PROGRESS_INTERVAL = 60.0
#: Longest wait (seconds) honoured for a ``Retry-After`` header on 429/503; 0 disables.
NEWSCRAWL_RETRY_AFTER_MAX = 60.0
#: Shared-queue URL for distributed mode (``--redis``); empty = a single process.
NEWSCRAWL_REDIS_URL = ""
DOWNLOADER_MIDDLEWARES = {
    # HostGuard replaces Scrapy's OffsiteMiddleware: START hosts + profile hosts, http(s) only
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.middlewares.hostguard.HostGuardMiddleware": 50,
    # after RetryMiddleware (550) in number, so responses reach it first
    "newscrawl.middlewares.retryafter.RetryAfterMiddleware": 560,
    # state store: If-None-Match / If-Modified-Since; a 304 is "unchanged", not a reject
    "newscrawl.middlewares.conditional.ConditionalRequestMiddleware": 590,
    # inflates a gzip body once, before HttpCompressionMiddleware (590) would: a stream
    # cut before its trailer is a fetch_error, not half an article
    "newscrawl.middlewares.inflate.GzipMiddleware": 595,
    # Scrapy's, without decoding every page to find a refresh it does not have
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.middlewares.metarefresh.MetaRefreshMiddleware": 580,
}
SPIDER_MIDDLEWARES = {
    # a callback error costs one page: recorded as a parse_error reject
    "newscrawl.middlewares.parseerror.ParseErrorMiddleware": 40,
    # the spiders count read_more hops themselves (--depth); DEPTH_LIMIT is not used
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # a development aid that warns when a spider copies response.meta into new requests;
    # newscrawl's spiders never do (each of these layers costs every response a pass)
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
#: Freeze the start-up objects and space young GC collections (``extensions.gctune``).
NEWSCRAWL_GC_TUNING_ENABLED = True
#: Allocations between young-generation collections during a crawl (CPython: 700).
NEWSCRAWL_GC_THRESHOLD = 10_000
EXTENSIONS = {
    "newscrawl.extensions.gctune.GcTuning": 0,
    "newscrawl.extensions.report.RunReport": 500,
    # live progress line / periodic progress lines on stderr (connected before RunReport,
    # so the live line is cleared before the run summary is printed)
    "newscrawl.extensions.progress.Progress": 450,
    # opens NEWSCRAWL_STATE for the pipelines and the conditional-request middleware
    "newscrawl.extensions.state_extension.StateExtension": 100,
    # a news-redis worker's life in its fleet: join, lease, idle, leave
    "newscrawl.extensions.fleet_worker.FleetWorker": 200,
}
#: Settings implied by the spider's arguments (site profile time zone, -a max_items) and,
#: for a news-redis worker, the shared scheduler of its crawl: set before they freeze.
ADDONS = {
    "newscrawl.extensions.spider_settings.SpiderSettings": 0,
    "newscrawl.extensions.fleet_settings.FleetSettings": 10,
}
#: ``scrapy crawl ... -O out.jsonl`` writes the same records as ``newscrawl crawl``.
FEED_EXPORTERS = {
    "jsonlines": "newscrawl.output.feedexport.RecordJsonLinesExporter",
    "jsonl": "newscrawl.output.feedexport.RecordJsonLinesExporter",
    "jl": "newscrawl.output.feedexport.RecordJsonLinesExporter",
}
#: A page given up on is recorded in the rejects file; the log needs no error for it.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"

# --- distributed mode (--redis): one crawl shared by many processes (newscrawl/distributed/)
#: Crawl name: every Redis key of the crawl lives under ``newscrawl:<name>:``. Empty: the
#: ``--site`` name, else the START hosts ("news.example.com").
NEWSCRAWL_REDIS_CRAWL = ""
#: A worker exits once the shared request queue has stayed empty this many seconds.
NEWSCRAWL_REDIS_IDLE_TIMEOUT = 30.0
#: Seen-request fingerprints (the shared dupefilter) expire this many seconds after the
#: last new one (0: never; a new run empties them anyway).
NEWSCRAWL_REDIS_SEEN_TTL = 7 * 24 * 3600
#: A worker counts as live this long after its last heartbeat: a killed worker's run and
#: unfinished claims are taken over once it has passed.
NEWSCRAWL_REDIS_LEASE = 30.0
#: How often (seconds) a worker renews its lease, reads START URLs pushed to Redis and
#: looks for requests the other workers queued.
NEWSCRAWL_REDIS_POLL_INTERVAL = 0.5
