package secret

import "testing"

func TestSealOpen(t *testing.T) {
	b, err := New([]byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	s := b.Seal("hello")
	if s == "hello" || s == b.Seal("hello") {
		t.Fatalf("sealed value must be encrypted and randomised: %q", s)
	}
	got, err := b.Open(s)
	if err != nil || got != "hello" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := New([]byte("another key of enough length"))
	if _, err := other.Open(s); err == nil {
		t.Fatal("opening with another key must fail")
	}
	if _, err := b.Open("plain"); err == nil {
		t.Fatal("opening a plain value must fail")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("short key must be refused")
	}
}
