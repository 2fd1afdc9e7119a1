package x

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// createTweet is the body of POST /2/tweets
// (https://docs.x.com/x-api/posts/create-or-edit-post).
type createTweet struct {
	Text  string `json:"text"`
	Reply *struct {
		InReplyToTweetID string `json:"in_reply_to_tweet_id"`
	} `json:"reply,omitempty"`
}

// Send delivers a reply (see SendReply).
func (c *Connector) Send(ctx context.Context, ch model.Channel, out channel.Outbound) error {
	_, err := c.SendReply(ctx, ch, out)
	return err
}

// SendReply delivers a reply and returns the platform's id of it.
//
// A public reply is a post answering out.InReplyTo (or, without it, the
// thread's root tweet): POST /2/tweets with reply.in_reply_to_tweet_id; its
// id is the tweet id. A private reply is a direct message to the thread's
// customer: the participant of a "dm:<id>" thread, or the author of the
// answered tweet in a public thread (one lookup); POST
// /2/dm_conversations/with/{participant_id}/messages
// (https://docs.x.com/x-api/direct-messages/send-a-new-message-to-a-user);
// its id is the DM event id.
//
// Errors: *channel.RateLimitError on 429 (reset from x-rate-limit-reset);
// channel.ErrUnauthorized on 401 and on a 403 about the token; other 4xx
// wrap channel.ErrPermanent with the platform's detail (a duplicate post, a
// recipient who does not accept messages…); 5xx and transport errors are
// plain (retried).
func (c *Connector) SendReply(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	if strings.TrimSpace(out.Text) == "" {
		return channel.SendResult{}, fmt.Errorf("x: empty reply: %w", channel.ErrPermanent)
	}
	if out.Public {
		return c.sendPublic(ctx, ch, out)
	}
	return c.sendPrivate(ctx, ch, out)
}

func (c *Connector) sendPublic(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	target := out.InReplyTo
	if target == "" {
		target = out.ThreadID
	}
	if !validID(target) {
		return channel.SendResult{}, fmt.Errorf("x: public reply needs the id of the post it answers (in_reply_to %q, thread %q): %w",
			out.InReplyTo, out.ThreadID, channel.ErrPermanent)
	}
	body := createTweet{Text: out.Text}
	body.Reply = &struct {
		InReplyToTweetID string `json:"in_reply_to_tweet_id"`
	}{target}
	var resp struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if _, err := c.do(ctx, ch, apiCall{method: http.MethodPost, path: "/2/tweets", body: body}, &resp); err != nil {
		return channel.SendResult{}, err
	}
	if !validID(resp.Data.ID) {
		return channel.SendResult{}, fmt.Errorf("x: POST /2/tweets answered without a post id")
	}
	conv := out.ThreadID
	if !validID(conv) {
		conv = target
	}
	c.convs.put(resp.Data.ID, conv)
	return channel.SendResult{ExternalID: resp.Data.ID}, nil
}

func (c *Connector) sendPrivate(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	participant, ok := DMParticipant(out.ThreadID)
	if !ok {
		// A private answer to a public thread goes to the author of the
		// post it answers.
		if !validID(out.InReplyTo) {
			return channel.SendResult{}, fmt.Errorf("x: private reply in thread %q needs the post it answers: %w", out.ThreadID, channel.ErrPermanent)
		}
		tweets, err := c.lookup(ctx, ch, []string{out.InReplyTo}, "author_id,conversation_id")
		if err != nil {
			return channel.SendResult{}, err
		}
		if len(tweets) == 0 || !validID(tweets[0].AuthorID) {
			return channel.SendResult{}, fmt.Errorf("x: post %s is gone, its author cannot be found: %w", out.InReplyTo, channel.ErrPermanent)
		}
		participant = tweets[0].AuthorID
	}
	if participant == brandID(ch) {
		return channel.SendResult{}, fmt.Errorf("x: the brand cannot message itself: %w", channel.ErrPermanent)
	}
	var resp struct {
		Data struct {
			DMConversationID string `json:"dm_conversation_id"`
			DMEventID        string `json:"dm_event_id"`
		} `json:"data"`
	}
	path := "/2/dm_conversations/with/" + url.PathEscape(participant) + "/messages"
	if _, err := c.do(ctx, ch, apiCall{method: http.MethodPost, path: path, body: map[string]string{"text": out.Text}}, &resp); err != nil {
		return channel.SendResult{}, err
	}
	if resp.Data.DMEventID == "" {
		return channel.SendResult{}, fmt.Errorf("x: POST %s answered without a DM event id", path)
	}
	return channel.SendResult{ExternalID: resp.Data.DMEventID}, nil
}

// Like likes a post as the brand: POST /2/users/{brand id}/likes
// (https://docs.x.com/x-api/posts/likes/quickstart/manage-likes).
func (c *Connector) Like(ctx context.Context, ch model.Channel, externalID string) error {
	uid, err := needBrand(ch)
	if err != nil {
		return err
	}
	if !validID(externalID) {
		return fmt.Errorf("x: %q is not a post id: %w", externalID, channel.ErrPermanent)
	}
	var resp struct {
		Data struct {
			Liked bool `json:"liked"`
		} `json:"data"`
	}
	path := "/2/users/" + url.PathEscape(uid) + "/likes"
	if _, err := c.do(ctx, ch, apiCall{method: http.MethodPost, path: path, body: map[string]string{"tweet_id": externalID}}, &resp); err != nil {
		return err
	}
	if !resp.Data.Liked {
		return fmt.Errorf("x: like of %s was not confirmed", externalID)
	}
	return nil
}

// Hide hides (or shows again) a reply in a conversation the brand started:
// PUT /2/tweets/{id}/hidden {"hidden":true}
// (https://docs.x.com/x-api/posts/hide-replies/quickstart). X refuses for
// other posts; that refusal wraps channel.ErrPermanent.
func (c *Connector) Hide(ctx context.Context, ch model.Channel, externalID string, hidden bool) error {
	if !validID(externalID) {
		return fmt.Errorf("x: %q is not a post id: %w", externalID, channel.ErrPermanent)
	}
	var resp struct {
		Data struct {
			Hidden bool `json:"hidden"`
		} `json:"data"`
	}
	path := "/2/tweets/" + url.PathEscape(externalID) + "/hidden"
	if _, err := c.do(ctx, ch, apiCall{method: http.MethodPut, path: path, body: map[string]bool{"hidden": hidden}}, &resp); err != nil {
		return err
	}
	if resp.Data.Hidden != hidden {
		return fmt.Errorf("x: hidden=%t of %s was not confirmed", hidden, externalID)
	}
	return nil
}

// Delete deletes one of the brand's own posts (DELETE /2/tweets/{id}); X
// does not let an account delete anyone else's, so a customer's post is an
// error wrapping channel.ErrPermanent (before any delete is attempted).
func (c *Connector) Delete(ctx context.Context, ch model.Channel, externalID string) error {
	uid, err := needBrand(ch)
	if err != nil {
		return err
	}
	if !validID(externalID) {
		return fmt.Errorf("x: %q is not a post id: %w", externalID, channel.ErrPermanent)
	}
	tweets, err := c.lookup(ctx, ch, []string{externalID}, "author_id")
	if err != nil {
		return err
	}
	if len(tweets) == 0 {
		return fmt.Errorf("x: post %s is not found (already deleted?): %w", externalID, channel.ErrPermanent)
	}
	if tweets[0].AuthorID != uid {
		return fmt.Errorf("x: post %s is a customer's: X lets the brand delete only its own posts: %w", externalID, channel.ErrPermanent)
	}
	var resp struct {
		Data struct {
			Deleted bool `json:"deleted"`
		} `json:"data"`
	}
	if _, err := c.do(ctx, ch, apiCall{method: http.MethodDelete, path: "/2/tweets/" + url.PathEscape(externalID)}, &resp); err != nil {
		return err
	}
	if !resp.Data.Deleted {
		return fmt.Errorf("x: deletion of %s was not confirmed", externalID)
	}
	return nil
}

func needBrand(ch model.Channel) (string, error) {
	uid := brandID(ch)
	if !validID(uid) {
		return "", fmt.Errorf("x: channel %s has no valid user_id: %w", ch.ID, channel.ErrPermanent)
	}
	return uid, nil
}
