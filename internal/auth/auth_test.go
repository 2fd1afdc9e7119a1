package auth

import (
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse") {
		t.Fatal("right password rejected")
	}
	for _, bad := range []string{"correct hors", "", "Correct horse"} {
		if CheckPassword(h, bad) {
			t.Fatalf("wrong password %q accepted", bad)
		}
	}
	if CheckPassword("garbage", "correct horse") {
		t.Fatal("garbage hash accepted")
	}
	if _, err := HashPassword("short"); err != ErrWeakPassword {
		t.Fatalf("short password: %v", err)
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if !l.Allowed("k") {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail("k")
	}
	if l.Allowed("k") {
		t.Fatal("4th attempt allowed within window")
	}
	if !l.Allowed("other") {
		t.Fatal("other key refused")
	}
	now = now.Add(2 * time.Minute)
	if !l.Allowed("k") {
		t.Fatal("refused after window")
	}
}
