package web

import (
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zhiyin/kb"
)

// metrics are the server's Prometheus metrics, in a registry of its own (not
// the global one) so that two servers in one test process do not clash.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	questions *prometheus.CounterVec
	handler   gin.HandlerFunc
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zhiyin_http_requests_total",
		Help: "HTTP requests by method, route template and status.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "zhiyin_http_request_duration_seconds",
		Help: "HTTP request latency by method, route template and status.",
		// Fine below 50 ms: answering budgets are in milliseconds (a p99 of
		// 20 ms under load), and scripts/bench.sh reads them from here.
		Buckets: []float64{.0005, .001, .0025, .005, .0075, .01, .015, .02, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route", "status"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "zhiyin_http_requests_in_flight",
		Help: "HTTP requests being served.",
	})
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zhiyin_questions_total",
		Help: "Questions by channel and outcome (answered, refusal, greeting, empty).",
	}, []string{"channel", "outcome"})
	ready := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "zhiyin_ready",
		Help: "1 when the knowledge base is loaded and questions are answered.",
	}, func() float64 {
		if s.cfg.Engine() != nil {
			return 1
		}
		return 0
	})
	revision := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "zhiyin_index_revision",
		Help: "Revision (index generation) of the knowledge base being served; -1 while loading.",
	}, func() float64 {
		if eng := s.cfg.Engine(); eng != nil {
			return float64(eng.Revision())
		}
		return -1
	})
	m.reg.MustRegister(m.requests, m.latency, m.inFlight, m.questions, ready, revision, buildInfo(s.cfg.Version, s.cfg.Revision),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	m.handler = gin.WrapH(h)
	return m
}

// buildInfo is the constant 1 labelled with the binary's version, VCS
// revision and Go version, so dashboards can tell which build is running.
func buildInfo(version, revision string) prometheus.Collector {
	goVersion := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if version == "" && bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, st := range bi.Settings {
			if st.Key == "vcs.revision" && st.Value != "" && revision == "" {
				revision = st.Value
			}
		}
	}
	if version == "" {
		version = "unknown"
	}
	if revision == "" {
		revision = "unknown"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "zhiyin_build_info",
		Help:        "Build information; the value is always 1.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion},
	})
	g.Set(1)
	return g
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, st).Inc()
	m.latency.WithLabelValues(method, route, st).Observe(d.Seconds())
}

// Registry returns the server's metrics registry, for other components (the
// question log, say) to register their own metrics in.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

// CountQuestions wraps a question log so that every question any channel
// records is also counted by channel and outcome. The question log is the
// one place every answered question passes, whichever channel asked it.
func (s *Server) CountQuestions(l kb.QuestionLog) kb.QuestionLog {
	return &countingLog{QuestionLog: l, m: s.metrics}
}

type countingLog struct {
	kb.QuestionLog
	m *metrics
}

func (l *countingLog) Record(e kb.LogEntry) {
	outcome := "answered"
	if !e.Answered {
		outcome = string(e.Kind)
		if outcome == "" {
			outcome = string(kb.KindRefusal)
		}
	}
	channel := e.Channel
	if channel == "" {
		channel = "unknown"
	}
	l.m.questions.WithLabelValues(channel, outcome).Inc()
	l.QuestionLog.Record(e)
}
