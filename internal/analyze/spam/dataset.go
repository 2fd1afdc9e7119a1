package spam

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Example is one labelled message.
type Example struct {
	Text string
	Spam bool
}

// splitSalt versions the train/test split. The generator trains on InTrain examples only and
// the accuracy tests score the others, so the published figures are held-out ones.
const splitSalt = "heed-spam-split-v1:"

// InTrain puts 80% of messages in the training split by a hash of their text: identical
// messages (common in spam) always land on the same side.
func InTrain(text string) bool {
	h := fnv.New64a()
	io.WriteString(h, splitSalt)
	io.WriteString(h, text)
	return h.Sum64()%100 < 80
}

// LoadSMS reads the UCI SMS Spam Collection (label TAB text per line) from dir.
func LoadSMS(dir string) ([]Example, error) {
	f, err := os.Open(filepath.Join(dir, "SMSSpamCollection"))
	if err != nil {
		return nil, fmt.Errorf("load sms: %w", err)
	}
	defer f.Close()
	var out []Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		label, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok || (label != "ham" && label != "spam") {
			return nil, fmt.Errorf("load sms: bad line %q", sc.Text())
		}
		out = append(out, Example{Text: text, Spam: label == "spam"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load sms: %w", err)
	}
	return out, nil
}

// LoadYouTube reads every Youtube*.csv of the UCI YouTube Spam Collection in dir.
func LoadYouTube(dir string) ([]Example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "Youtube*.csv"))
	if err != nil {
		return nil, fmt.Errorf("load youtube: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load youtube: no Youtube*.csv in %s: %w", dir, os.ErrNotExist)
	}
	var out []Example
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("load youtube: %w", err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("load youtube %s: %w", name, err)
		}
		if len(rows) == 0 || len(rows[0]) < 5 || rows[0][3] != "CONTENT" || rows[0][4] != "CLASS" {
			return nil, fmt.Errorf("load youtube %s: %w", name, errors.New("unexpected header"))
		}
		for _, r := range rows[1:] {
			out = append(out, Example{Text: r[3], Spam: r[4] == "1"})
		}
	}
	return out, nil
}

// Split partitions examples with InTrain.
func Split(all []Example) (train, test []Example) {
	for _, e := range all {
		if InTrain(e.Text) {
			train = append(train, e)
		} else {
			test = append(test, e)
		}
	}
	return train, test
}
