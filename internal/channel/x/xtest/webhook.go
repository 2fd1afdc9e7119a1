package xtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Webhook deliveries follow the Account Activity API: one POST per event,
// JSON body, header x-twitter-webhooks-signature: sha256=<base64
// HMAC-SHA256(body, consumer secret)>; a non-2xx answer leaves the event
// pending (X retries failed deliveries).
// https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks

// SignatureHeader is the header of a delivery's signature.
const SignatureHeader = "x-twitter-webhooks-signature"

var hookClient = &http.Client{Timeout: 10 * time.Second}

// DeliverWebhook POSTs the pending events, oldest first, to Heed's webhook
// URL signed with secret (pass a wrong secret for a wrong signature). It
// stops at the first answer that is not 2xx and returns an error naming it;
// that event and the later ones stay pending.
func (s *Server) DeliverWebhook(hookURL, secret string) error {
	return s.deliver(hookURL, func(b []byte) string { return Sign(secret, b) })
}

// DeliverWebhookUnsigned is DeliverWebhook without the signature header.
func (s *Server) DeliverWebhookUnsigned(hookURL string) error {
	return s.deliver(hookURL, nil)
}

func (s *Server) deliver(hookURL string, sign func([]byte) string) error {
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			s.mu.Unlock()
			return nil
		}
		body := s.pending[0]
		s.mu.Unlock()
		// Heed may call the API while handling the delivery: no lock held.
		req, err := http.NewRequest(http.MethodPost, hookURL, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("xtest: webhook request: %w", err)
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		if sign != nil {
			req.Header.Set(SignatureHeader, sign(body))
		}
		resp, err := hookClient.Do(req)
		if err != nil {
			return fmt.Errorf("xtest: webhook delivery: %w", err)
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("xtest: webhook answered %d: %s", resp.StatusCode, bytes.TrimSpace(answer))
		}
		s.mu.Lock()
		if len(s.pending) > 0 && bytes.Equal(s.pending[0], body) {
			s.pending = s.pending[1:]
		}
		s.mu.Unlock()
	}
}

// CRC runs X's challenge-response check against Heed's webhook URL: a GET
// with a fresh crc_token, expecting 200 and {"response_token":"sha256=<base64
// HMAC-SHA256(crc_token, consumer secret)>"}. nil means X would accept the
// webhook.
func (s *Server) CRC(hookURL, secret string) error {
	u, err := url.Parse(hookURL)
	if err != nil {
		return fmt.Errorf("xtest: crc url: %w", err)
	}
	token := randomToken(16)
	q := u.Query()
	q.Set("crc_token", token)
	u.RawQuery = q.Encode()
	resp, err := hookClient.Get(u.String())
	if err != nil {
		return fmt.Errorf("xtest: crc: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("xtest: crc answered %d: %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	var got struct {
		ResponseToken string `json:"response_token"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return fmt.Errorf("xtest: crc answer is not JSON: %w", err)
	}
	if want := Sign(secret, []byte(token)); got.ResponseToken != want {
		return fmt.Errorf("xtest: crc response_token %q, want %q", got.ResponseToken, want)
	}
	return nil
}
