package web

import (
	"runtime"

	"github.com/gin-gonic/gin"
)

// fairTurn is the first middleware of the answering endpoints: before a
// question takes its turn, the goroutine yields, which puts it at the back
// of the runtime's global run queue.
//
// Why: when both cores are busy, Go's scheduler runs the goroutines readied
// on a processor (a connection whose next request was already in the socket
// when it finished the last one) before it polls the network. A connection
// whose request arrives while its goroutine sleeps in the poller waits until
// a processor runs out of work or sysmon polls, every 10 ms, and then in the
// global queue, which a busy processor reads once every 61 turns (see
// golang/go#51651). At 32 closed-loop clients on two cores that gave a p99
// of 45-60 ms for requests the handler answered in under 2 ms. Yielding
// here sends every request through the same FIFO as the ones woken by the
// network: p99 fell to ~11 ms at the same throughput (docs/PERFORMANCE.md).
// A yield costs well under a microsecond; the question costs ~55.
func fairTurn(c *gin.Context) {
	runtime.Gosched()
	c.Next()
}
