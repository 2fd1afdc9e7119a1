package source_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/heed-dev/heed/internal/listen/source"
)

// A caller keeps the cursor of the last post its handler took and hands it
// to the next Run; a replay ends with ErrEnded.
func Example() {
	in := strings.NewReader(`{"id":"1","text":"@acme my order is late","lang":"en","author":"sam"}
{"id":"2","text":"love the new acme app","lang":"en","author":"kim"}
`)
	var cursor string
	src := source.ReplayReader(in, source.Options{})
	err := src.Run(context.Background(), cursor, func(ctx context.Context, p source.Post) error {
		fmt.Printf("%s %s: %s\n", p.Network, p.Author, p.Text)
		cursor = p.Cursor // store it with the post, in the same transaction
		return nil
	})
	fmt.Println(errors.Is(err, source.ErrEnded), "cursor", cursor)
	// Output:
	// replay sam: @acme my order is late
	// replay kim: love the new acme app
	// true cursor 2
}
