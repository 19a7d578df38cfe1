//go:build !linux

package loadgen

import "context"

// run uses the portable engine where there is no epoll.
func run(ctx context.Context, cfg *Config, req []byte) (Result, error) {
	return runNet(ctx, cfg, req)
}
