package netpoll_test

import (
	"sync"
	"testing"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

func TestEcho(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			checkLeaks(t)
			addr, _ := startServer(t, network, echoHandler, netpoll.Options{})
			c := dial(t, network, addr)
			for i, msg := range []string{"hello", "x", string(pattern(3000, 1)), string(pattern(100000, 2))} {
				if _, err := c.Write([]byte(msg)); err != nil {
					t.Fatalf("message %d: Write: %v", i, err)
				}
				got, err := c.Reader().Next(len(msg))
				if err != nil {
					t.Fatalf("message %d: Next: %v", i, err)
				}
				if string(got) != msg {
					t.Fatalf("message %d: echo differs", i)
				}
				c.Reader().Release()
			}
		})
	}
}

func TestFramedEcho(t *testing.T) {
	sizes := []int{128, 1 << 10, 16 << 10, 1 << 20}
	for _, network := range networks {
		for _, size := range sizes {
			t.Run(network+"/size="+sizeName(size), func(t *testing.T) {
				checkLeaks(t)
				addr, _ := startServer(t, network, framedEchoHandler, netpoll.Options{})
				c := dial(t, network, addr)
				for i := range 20 {
					if err := roundTrip(c, pattern(size, byte(i))); err != nil {
						t.Fatalf("round trip %d: %v", i, err)
					}
				}
			})
		}
	}
}

func TestConcurrentClients(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			checkLeaks(t)
			addr, _ := startServer(t, network, framedEchoHandler, netpoll.Options{MaxWorkers: 8})
			const clients, rounds = 32, 50
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for i := range clients {
				c := dial(t, network, addr)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range rounds {
						if err := roundTrip(c, pattern(100+i*37+j, byte(i+j))); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}
