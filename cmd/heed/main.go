// Command heed runs Heed, the social customer care platform.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/heed-dev/heed/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
