package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/infractl/infractl/internal/statestore"
)

// metrics are the server's Prometheus collectors, in a registry of its own
// so several servers in one process (tests, the demo) never collide and
// /metrics shows exactly this server.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	versions prometheus.Counter
	bodies   prometheus.Counter
	stored   prometheus.Counter
	forced   prometheus.Counter

	// observers caches the per-(route, code) counter and per-route
	// histogram, so a request costs no label hashing.
	mu        sync.RWMutex
	counters  map[routeCode]prometheus.Counter
	observers map[string]prometheus.Observer
}

type routeCode struct {
	route string
	code  int
}

// newMetrics registers the collectors; locks reports the number of held
// locks at scrape time (a store query, so it is right across restarts and
// replicas).
func newMetrics(locks func(context.Context) (int, error)) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "infractl_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "infractl_http_request_duration_seconds",
			Help:    "HTTP request duration by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
		versions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "infractl_state_versions_written_total",
			Help: "State versions written (accepted writes that created a version, and rollbacks).",
		}),
		bodies: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "infractl_state_bytes_written_total",
			Help: "Bytes of state JSON in the versions written.",
		}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "infractl_state_bytes_stored_total",
			Help: "Bytes the store keeps for the versions written, after compression.",
		}),
		forced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "infractl_state_force_unlocks_total",
			Help: "Locks removed by a force-unlock (an UNLOCK with an empty body).",
		}),
		counters:  map[routeCode]prometheus.Counter{},
		observers: map[string]prometheus.Observer{},
	}
	held := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "infractl_state_locks_held",
		Help: "State locks held now (read from the store at scrape time; -1 if it cannot be read).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := locks(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	m.registry.MustRegister(m.requests, m.duration, m.versions, m.bodies, m.stored, m.forced, held,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observe records one request; route is a pattern, never a raw path, so
// the label set stays small.
func (m *metrics) observe(route string, code int, d time.Duration) {
	key := routeCode{route, code}
	m.mu.RLock()
	c, okc := m.counters[key]
	o, oko := m.observers[route]
	m.mu.RUnlock()
	if !okc || !oko {
		m.mu.Lock()
		if c, okc = m.counters[key]; !okc {
			c = m.requests.WithLabelValues(route, strconv.Itoa(code))
			m.counters[key] = c
		}
		if o, oko = m.observers[route]; !oko {
			o = m.duration.WithLabelValues(route)
			m.observers[route] = o
		}
		m.mu.Unlock()
	}
	c.Inc()
	o.Observe(d.Seconds())
}

// written records a new version.
func (m *metrics) written(v statestore.VersionMeta) {
	m.versions.Inc()
	m.bodies.Add(float64(v.Size))
	m.stored.Add(float64(v.StoredSize))
}
