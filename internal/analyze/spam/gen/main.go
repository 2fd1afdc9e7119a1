// Command gen retrains the spam baseline from the shared evaluation data and writes
// internal/analyze/spam/baseline.tsv. It uses only the training split (spam.InTrain), the same
// split the accuracy tests hold out, so their figures are honest.
//
//	go run ./internal/analyze/spam/gen [-data ../shared/data] [-out internal/analyze/spam/baseline.tsv]
//
// Without -data it looks for shared/data above the working directory.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/heed-dev/heed/internal/analyze/spam"
	"github.com/heed-dev/heed/internal/datadir"
)

func main() {
	data := flag.String("data", "", "shared data directory (default: find shared/data above the working directory)")
	out := flag.String("out", "internal/analyze/spam/baseline.tsv", "output file")
	flag.Parse()
	if err := run(*data, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(data, out string) error {
	dir := func(sub string) (string, error) {
		if data != "" {
			return filepath.Join(data, sub), nil
		}
		return datadir.Find(sub)
	}
	smsDir, err := dir("sms_spam_collection")
	if err != nil {
		return err
	}
	ytDir, err := dir("youtube_spam_collection")
	if err != nil {
		return err
	}
	sms, err := spam.LoadSMS(smsDir)
	if err != nil {
		return err
	}
	yt, err := spam.LoadYouTube(ytDir)
	if err != nil {
		return err
	}
	smsTrain, _ := spam.Split(sms)
	ytTrain, _ := spam.Split(yt)
	// YouTube comments are the closer domain but 17 times fewer than the SMS: count them
	// three times so their patterns (channel plugs, links) are not drowned.
	train := append([]spam.Example(nil), smsTrain...)
	for range 3 {
		train = append(train, ytTrain...)
	}
	b := spam.Train(train, spam.TrainOptions{})
	b.Trained = fmt.Sprintf("logistic regression on the 80%% training split (spam.InTrain) of the UCI SMS Spam Collection (%d messages) and YouTube Spam Collection (%d comments, counted three times); both CC BY 4.0", len(smsTrain), len(ytTrain))
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	fmt.Printf("wrote %s: %d weights, %d bytes, trained on %d examples\n", out, len(b.Weights), buf.Len(), len(train))
	return nil
}
