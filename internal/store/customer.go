package store

import (
	"context"

	"github.com/heed-dev/heed/internal/model"
)

// ResolveIdentity finds the identity of an author on a network, creating the
// customer and identity on first sight. It keeps handle and name current.
// Safe against concurrent creation on several nodes.
func (s *Store) ResolveIdentity(ctx context.Context, in model.Identity) (model.Identity, error) {
	id, err := s.getIdentity(ctx, in.WorkspaceID, in.Network, in.ExternalID)
	if err == nil {
		if (in.Handle != "" && in.Handle != id.Handle) || (in.Name != "" && in.Name != id.Name) {
			if in.Handle != "" {
				id.Handle = in.Handle
			}
			if in.Name != "" {
				id.Name = in.Name
			}
			if _, err := s.exec(ctx, `UPDATE identities SET handle = ?, name = ? WHERE id = ?`, id.Handle, id.Name, id.ID); err != nil {
				return id, s.mapErr("update identity", err)
			}
		}
		return id, nil
	}
	now := s.Now()
	name := in.Name
	if name == "" {
		name = in.Handle
	}
	if name == "" {
		name = in.ExternalID
	}
	cust := model.Customer{ID: NewID(), WorkspaceID: in.WorkspaceID, Name: name, CreatedAt: now}
	if _, err := s.exec(ctx, `INSERT INTO customers (id, workspace_id, name, created_at) VALUES (?, ?, ?, ?)`, cust.ID, cust.WorkspaceID, cust.Name, ms(now)); err != nil {
		return in, s.mapErr("create customer", err)
	}
	in.ID, in.CustomerID, in.CreatedAt = NewID(), cust.ID, now
	res, err := s.exec(ctx, `INSERT INTO identities (id, workspace_id, customer_id, network, external_id, handle, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, network, external_id) DO NOTHING`, in.ID, in.WorkspaceID, in.CustomerID, in.Network, in.ExternalID, in.Handle, in.Name, ms(now))
	if err != nil {
		return in, s.mapErr("create identity", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Another node created it first: use theirs and drop our customer.
		if _, err := s.exec(ctx, `DELETE FROM customers WHERE id = ?`, cust.ID); err != nil {
			return in, s.mapErr("drop duplicate customer", err)
		}
		return s.getIdentity(ctx, in.WorkspaceID, in.Network, in.ExternalID)
	}
	return in, nil
}

func (s *Store) getIdentity(ctx context.Context, workspaceID, network, externalID string) (model.Identity, error) {
	var id model.Identity
	var created int64
	err := s.queryRow(ctx, `SELECT id, workspace_id, customer_id, network, external_id, handle, name, created_at FROM identities
		WHERE workspace_id = ? AND network = ? AND external_id = ?`, workspaceID, network, externalID).
		Scan(&id.ID, &id.WorkspaceID, &id.CustomerID, &id.Network, &id.ExternalID, &id.Handle, &id.Name, &created)
	id.CreatedAt = fromMs(created)
	return id, s.mapErr("get identity", err)
}

// GetCustomer returns a customer by id.
func (s *Store) GetCustomer(ctx context.Context, workspaceID, id string) (model.Customer, error) {
	var c model.Customer
	var created int64
	err := s.queryRow(ctx, `SELECT id, workspace_id, name, created_at FROM customers WHERE id = ? AND workspace_id = ?`, id, workspaceID).
		Scan(&c.ID, &c.WorkspaceID, &c.Name, &created)
	c.CreatedAt = fromMs(created)
	return c, s.mapErr("get customer", err)
}

// ListIdentities returns a customer's identities.
func (s *Store) ListIdentities(ctx context.Context, customerID string) ([]model.Identity, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, customer_id, network, external_id, handle, name, created_at FROM identities WHERE customer_id = ? ORDER BY created_at`, customerID)
	if err != nil {
		return nil, s.mapErr("list identities", err)
	}
	defer rows.Close()
	var out []model.Identity
	for rows.Next() {
		var id model.Identity
		var created int64
		if err := rows.Scan(&id.ID, &id.WorkspaceID, &id.CustomerID, &id.Network, &id.ExternalID, &id.Handle, &id.Name, &created); err != nil {
			return nil, s.mapErr("list identities", err)
		}
		id.CreatedAt = fromMs(created)
		out = append(out, id)
	}
	return out, s.mapErr("list identities", rows.Err())
}

// GetIdentity returns an identity by id.
func (s *Store) GetIdentity(ctx context.Context, id string) (model.Identity, error) {
	var i model.Identity
	var created int64
	err := s.queryRow(ctx, `SELECT id, workspace_id, customer_id, network, external_id, handle, name, created_at FROM identities WHERE id = ?`, id).
		Scan(&i.ID, &i.WorkspaceID, &i.CustomerID, &i.Network, &i.ExternalID, &i.Handle, &i.Name, &created)
	i.CreatedAt = fromMs(created)
	return i, s.mapErr("get identity", err)
}
