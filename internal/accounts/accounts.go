// Package accounts creates workspaces, agents, teams, channels and API tokens:
// the administrative side shared by the CLI, the setup page, the admin UI and
// the API.
package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/heed-dev/heed/internal/auth"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

// Service administers accounts.
type Service struct {
	Store    *store.Store
	Registry *channel.Registry
}

// ValidationError is a user mistake naming the field.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// ErrSetupDone is returned when first-run setup is attempted twice.
var ErrSetupDone = errors.New("setup already done")

// NewUser describes an agent to create.
type NewUser struct {
	WorkspaceID string // empty: the install's first workspace (created if none)
	Workspace   string // name of the workspace to create on an empty install
	Email       string
	Name        string
	Password    string
	Role        model.Role
}

// CreateUser creates an agent. On an empty install it also creates the
// workspace, so a script can set Heed up without a browser.
func (s *Service) CreateUser(ctx context.Context, u NewUser) (model.Agent, error) {
	email := strings.ToLower(strings.TrimSpace(u.Email))
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		return model.Agent{}, &ValidationError{Field: "email", Message: "is not a valid address"}
	}
	if !u.Role.Valid() {
		return model.Agent{}, &ValidationError{Field: "role", Message: "must be admin, supervisor or agent"}
	}
	hash, err := auth.HashPassword(u.Password)
	if err != nil {
		return model.Agent{}, &ValidationError{Field: "password", Message: err.Error()}
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	var agent model.Agent
	err = s.Store.WithTx(ctx, func(tx *store.Store) error {
		wsID := u.WorkspaceID
		if wsID == "" {
			ws, err := tx.FirstWorkspace(ctx)
			if errors.Is(err, store.ErrNotFound) {
				wsName := strings.TrimSpace(u.Workspace)
				if wsName == "" {
					wsName = "Heed"
				}
				ws, err = tx.CreateWorkspace(ctx, wsName)
			}
			if err != nil {
				return err
			}
			wsID = ws.ID
		}
		var err error
		agent, err = tx.CreateAgent(ctx, model.Agent{WorkspaceID: wsID, Email: email, Name: name, Role: u.Role, PasswordHash: hash})
		if errors.Is(err, store.ErrConflict) {
			return &ValidationError{Field: "email", Message: "is already taken"}
		}
		return err
	})
	return agent, err
}

// Setup creates the first admin and workspace; it fails once any agent exists.
func (s *Service) Setup(ctx context.Context, workspace, name, email, password string) (model.Agent, error) {
	var agent model.Agent
	err := s.Store.WithTx(ctx, func(tx *store.Store) error {
		n, err := tx.CountAgents(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSetupDone
		}
		if strings.TrimSpace(workspace) == "" {
			return &ValidationError{Field: "workspace", Message: "is required"}
		}
		agent, err = (&Service{Store: tx, Registry: s.Registry}).CreateUser(ctx, NewUser{Workspace: workspace, Email: email, Name: name, Password: password, Role: model.RoleAdmin})
		return err
	})
	return agent, err
}

// NeedsSetup reports whether the install has no agent yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.Store.CountAgents(ctx)
	return n == 0, err
}

// CreateToken issues an API token for an agent and returns its value, shown once.
func (s *Service) CreateToken(ctx context.Context, agent model.Agent, name string) (string, model.APIToken, error) {
	if strings.TrimSpace(name) == "" {
		name = "token"
	}
	value := "heed_" + secret.RandomToken(24)
	t, err := s.Store.CreateAPIToken(ctx, model.APIToken{WorkspaceID: agent.WorkspaceID, AgentID: agent.ID, Name: name, TokenHash: secret.Hash(value)})
	return value, t, err
}

// CreateTeam creates a team.
func (s *Service) CreateTeam(ctx context.Context, workspaceID, name string, members []string) (model.Team, error) {
	if strings.TrimSpace(name) == "" {
		return model.Team{}, &ValidationError{Field: "name", Message: "is required"}
	}
	t, err := s.Store.CreateTeam(ctx, model.Team{WorkspaceID: workspaceID, Name: strings.TrimSpace(name), MemberIDs: members})
	if errors.Is(err, store.ErrConflict) {
		return t, &ValidationError{Field: "name", Message: "a team with this name exists"}
	}
	return t, err
}

// NewChannel describes a channel to create.
type NewChannel struct {
	WorkspaceID string
	Type        string
	Name        string
	CallbackURL string
	// Platform channels: settings (e.g. {"api_base": …} to point at an
	// emulator) and credentials (tokens, app secrets; sealed at rest).
	Settings    json.RawMessage
	Credentials map[string]string
}

// CreateChannel creates a channel with a fresh secret.
func (s *Service) CreateChannel(ctx context.Context, c NewChannel) (model.Channel, error) {
	if _, ok := s.Registry.Get(c.Type); !ok {
		return model.Channel{}, &ValidationError{Field: "type", Message: fmt.Sprintf("unknown channel type %q", c.Type)}
	}
	if strings.TrimSpace(c.Name) == "" {
		return model.Channel{}, &ValidationError{Field: "name", Message: "is required"}
	}
	if c.CallbackURL != "" {
		u, err := url.Parse(c.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return model.Channel{}, &ValidationError{Field: "callback_url", Message: "must be an http(s) URL"}
		}
	}
	if len(c.Settings) > 0 {
		var obj map[string]any
		if json.Unmarshal(c.Settings, &obj) != nil {
			return model.Channel{}, &ValidationError{Field: "settings", Message: "must be a JSON object"}
		}
	}
	return s.Store.CreateChannel(ctx, model.Channel{WorkspaceID: c.WorkspaceID, Type: c.Type, Name: strings.TrimSpace(c.Name),
		Secret: secret.RandomToken(32), CallbackURL: c.CallbackURL, Settings: c.Settings, Credentials: c.Credentials})
}
