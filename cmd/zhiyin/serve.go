package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zhiyin/channels/web"
	"zhiyin/kb"
	"zhiyin/kb/sqlite"
)

func init() {
	commands["serve"] = command{
		summary: "serve the web API, the help-desk console and the WeChat callback",
		run:     runServe,
	}
}

func runServe(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", envOr("ZHIYIN_ADDR", ":8080"), "listen address HOST:PORT (env ZHIYIN_ADDR)")
	dataDir := fl.String("data", envOr("ZHIYIN_DATA", "./data"), "data directory: knowledge base and question log (env ZHIYIN_DATA)")
	level := fl.String("log-level", envOr("ZHIYIN_LOG_LEVEL", "info"), "debug, info, warn or error (env ZHIYIN_LOG_LEVEL)")
	format := fl.String("log-format", envOr("ZHIYIN_LOG_FORMAT", "text"), "text or json (env ZHIYIN_LOG_FORMAT)")
	rateLimit := fl.String("rate-limit", envOr("ZHIYIN_RATE_LIMIT", "20"),
		"requests per second per client on the POST endpoints, burst twice that; 0 turns limiting off (env ZHIYIN_RATE_LIMIT)")
	proxies := fl.String("trusted-proxies", envOr("ZHIYIN_TRUSTED_PROXIES", ""),
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (env ZHIYIN_TRUSTED_PROXIES)")
	maxConcurrent := fl.String("max-concurrent", envOr("ZHIYIN_MAX_CONCURRENT", "0"),
		"questions answered at once, the rest queue; 0 is twice the cores (env ZHIYIN_MAX_CONCURRENT)")
	shedWait := fl.String("shed-wait", envOr("ZHIYIN_SHED_WAIT", web.DefaultQueueWait.String()),
		"longest a question waits for its turn before 503; 0 turns load shedding off (env ZHIYIN_SHED_WAIT)")
	benchNoop := fl.Bool("bench-noop", envOr("ZHIYIN_BENCH_NOOP", "") == "true",
		"also serve "+benchNoopPath+", a no-op JSON handler for benchmarks (env ZHIYIN_BENCH_NOOP=true)")
	pprofAddr := fl.String("pprof", envOr("ZHIYIN_PPROF", ""),
		"serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060; off when empty (env ZHIYIN_PPROF)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zhiyin serve [--addr HOST:PORT] [--data DIR] [--log-level LEVEL] [--log-format text|json]\n"+
			"                    [--rate-limit N] [--trusted-proxies CIDR,...] [--max-concurrent N] [--shed-wait DURATION]\n"+
			"                    [--pprof HOST:PORT]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "zhiyin serve: unexpected argument %q\n", fl.Arg(0))
		return errUsage
	}
	logger, err := newLogger(stderr, *format, *level)
	if err != nil {
		fmt.Fprintf(stderr, "zhiyin serve: %v\n", err)
		return errUsage
	}
	setMemoryLimit(logger)
	rate, err := strconv.ParseFloat(strings.TrimSpace(*rateLimit), 64)
	if err != nil || rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		fmt.Fprintf(stderr, "zhiyin serve: --rate-limit %q: want a number of requests per second, 0 or more\n", *rateLimit)
		return errUsage
	}
	shed, err := parseShed(*maxConcurrent, *shedWait)
	if err != nil {
		fmt.Fprintf(stderr, "zhiyin serve: %v\n", err)
		return errUsage
	}

	srv := &Server{
		Addr: *addr, DataDir: *dataDir, Logger: logger,
		RateLimit: rate, TrustedProxies: splitList(*proxies),
		AdminToken: envOr("ZHIYIN_ADMIN_TOKEN", ""),
		Shed:       shed,
		BenchNoop:  *benchNoop,
		PprofAddr:  *pprofAddr,
	}
	if err := srv.Run(ctx); err != nil {
		return err
	}
	var runErr error
	select {
	case <-ctx.Done():
		logger.Info("shutting down: signal received")
	case runErr = <-srv.Err():
	}
	if err := srv.Close(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// newLogger returns a slog logger writing text or JSON at the given level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Server is `zhiyin serve`: the question log, the web channel (with the
// WeChat callback mounted beside it) and the answering service, wired
// together. Run starts it and returns once it listens; Close stops it. The
// end-to-end test runs this same code on 127.0.0.1:0.
type Server struct {
	Addr           string
	DataDir        string
	Logger         *slog.Logger
	RateLimit      float64  // per client per second on POST endpoints; 0 is off
	TrustedProxies []string // CIDRs whose X-Forwarded-For is believed
	AdminToken     string   // ZHIYIN_ADMIN_TOKEN: an admin credential while set
	Shed           web.ShedConfig
	BenchNoop      bool   // serve benchNoopPath (benchmarks only)
	PprofAddr      string // serve net/http/pprof there when set
	// ShutdownTimeout bounds how long Close waits for requests in flight
	// (default 20 s: less than the 30 s orchestrators usually allow).
	ShutdownTimeout time.Duration

	ln          net.Listener
	http        *http.Server
	pprof       *http.Server
	pprofAt     net.Addr // where pprof listens, when it does
	web         *web.Server
	db          *sqlite.DB
	log         *sqlite.Log
	wechat      http.Handler // nil when the channel is off
	svc         atomic.Pointer[kb.Service]
	cancelBuild context.CancelFunc
	built       chan struct{} // closed when the background build ends
	served      chan struct{} // closed when Serve returns
	errc        chan error
	closeOnce   sync.Once
	closeErr    error
}

// Timeouts of the HTTP server. Slow clients cannot hold connections open
// forever; answering takes milliseconds, so WriteTimeout is generous.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
)

// Run opens the question log, starts listening and serving at once, and
// builds the answering service in the background: /healthz answers
// immediately, /readyz and the API answer 503 until the service is ready.
// It returns an error when the log cannot be opened, the configuration is
// wrong or the address cannot be listened on; later failures (the knowledge
// base does not load, the listener dies) arrive on Err.
func (s *Server) Run(ctx context.Context) (err error) {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.ShutdownTimeout <= 0 {
		s.ShutdownTimeout = 20 * time.Second
	}
	s.errc = make(chan error, 1)
	s.built = make(chan struct{})
	s.served = make(chan struct{})
	defer func() {
		if err != nil {
			s.cleanup()
		}
	}()

	if s.db, err = sqlite.Open(ctx, s.DataDir); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if _, err := seedStore(ctx, s.db, s.DataDir); err != nil {
		return fmt.Errorf("load knowledge base: %w", err)
	}
	if s.log, err = s.db.OpenLog(sqlite.LogOptions{Logger: s.Logger}); err != nil {
		return fmt.Errorf("question log: %w", err)
	}
	wechatPath, wechat, err := newWeChatHandler(s.svc.Load, s.Logger)
	if err != nil {
		return err // already says "wechat: …"
	}
	cfg := web.Config{
		Engine:         s.engine,
		Feedback:       s.log,
		Logger:         s.Logger,
		RateLimit:      s.RateLimit,
		TrustedProxies: s.TrustedProxies,
		Admin:          s.adminConfig(),
	}
	bv := buildVersion(debug.ReadBuildInfo())
	cfg.Version, cfg.Revision = bv.Version, bv.Commit
	if wechat != nil {
		s.wechat = wechat
		cfg.Mounts = append(cfg.Mounts, web.Mount{Path: wechatPath, Handler: wechat})
	}
	cfg.Shed = s.Shed
	if s.BenchNoop {
		cfg.Mounts = append(cfg.Mounts, web.Mount{Path: benchNoopPath, Handler: http.HandlerFunc(benchNoop)})
	}
	if s.web, err = web.New(cfg); err != nil {
		return err
	}
	if err := s.registerLogMetrics(); err != nil {
		return err
	}

	if s.PprofAddr != "" {
		if s.pprof, s.pprofAt, err = startPprof(s.PprofAddr, s.Logger); err != nil {
			return err
		}
	}

	if s.ln, err = net.Listen("tcp", s.Addr); err != nil {
		return err
	}
	s.http = &http.Server{
		Handler:           s.web,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(s.served)
		if err := s.http.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
			s.fail(fmt.Errorf("serve: %w", err))
		}
	}()

	buildCtx, cancel := context.WithCancel(ctx)
	s.cancelBuild = cancel
	go s.build(buildCtx)
	s.Logger.Info("listening", "addr", s.ln.Addr().String(), "data", s.DataDir,
		"rate_limit", s.RateLimit, "trusted_proxies", strings.Join(s.TrustedProxies, ","))
	return nil
}

// build loads the knowledge base and builds the index, then makes the
// service visible to the handlers.
func (s *Server) build(ctx context.Context) {
	defer close(s.built)
	start := time.Now()
	svc, src, err := serviceFromStore(ctx, s.db, kb.Options{Log: s.web.CountQuestions(s.log)})
	if err != nil {
		if ctx.Err() == nil {
			s.fail(fmt.Errorf("load knowledge base: %w", err))
		}
		return
	}
	if ctx.Err() != nil {
		svc.Close() // shutting down before it was needed
		return
	}
	s.svc.Store(svc)
	gogc := os.Getenv("GOGC")
	if gogc == "" {
		// See gc.go.
		p := servingGCPercent(liveHeap())
		debug.SetGCPercent(p)
		gogc = strconv.Itoa(p)
	}
	s.Logger.Info("ready", "knowledge_base", src, "revision", svc.Revision(),
		"took", time.Since(start).Round(time.Millisecond).String(), "gogc", gogc)
}

// engine returns the service once it is ready, else nil (and never a
// non-nil interface holding a nil pointer).
func (s *Server) engine() web.Engine {
	if svc := s.svc.Load(); svc != nil {
		return svc
	}
	return nil
}

// registerLogMetrics exposes the question log's drops and write failures:
// both mean questions are missing from the log.
func (s *Server) registerLogMetrics() error {
	for _, c := range []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "zhiyin_question_log_dropped_total",
			Help: "Questions not logged because the log's queue was full.",
		}, func() float64 { return float64(s.log.Dropped()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "zhiyin_question_log_failed_total",
			Help: "Question log records that could not be written.",
		}, func() float64 { return float64(s.log.Failed()) }),
	} {
		if err := s.web.Registry().Register(c); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}

func (s *Server) fail(err error) {
	select {
	case s.errc <- err:
	default: // one failure is enough to stop
	}
}

// Err delivers a failure after Run has returned: the knowledge base did not
// load or the server stopped serving. The caller should then Close.
func (s *Server) Err() <-chan error { return s.errc }

// URL is the base URL the server listens on, such as http://127.0.0.1:8080.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops the server gracefully: /readyz turns 503, the listener
// closes, requests in flight finish (up to ShutdownTimeout), then the
// service closes and the question log is flushed to disk. It returns the
// first error among those steps.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.web != nil {
			s.web.Drain()
		}
		if s.http != nil {
			ctx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout)
			if err := s.http.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("shutdown: %w", err))
				_ = s.http.Close() // past the deadline: drop what is left
			}
			cancel()
			<-s.served
		}
		// Answers that missed WeChat's reply window are still on their way
		// through the customer-service API: let them go out first.
		if c, ok := s.wechat.(interface{ Close(context.Context) error }); ok {
			ctx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout)
			if err := c.Close(ctx); err != nil {
				errs = append(errs, fmt.Errorf("wechat: %w", err))
			}
			cancel()
		}
		s.Logger.Info("stopped serving")
		errs = append(errs, s.cleanup())
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// cleanup stops the background build and closes the service and the log.
func (s *Server) cleanup() error {
	var errs []error
	if s.cancelBuild != nil {
		s.cancelBuild()
		<-s.built
	}
	if svc := s.svc.Load(); svc != nil {
		if err := svc.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.ln != nil && s.http == nil {
		_ = s.ln.Close()
	}
	if s.pprof != nil {
		_ = s.pprof.Close()
	}
	if s.log != nil {
		if err := s.log.Close(); err != nil {
			errs = append(errs, fmt.Errorf("question log: %w", err))
		}
	}
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("store: %w", err))
		}
	}
	return errors.Join(errs...)
}
