/* pp-client-session.c: the client side of a room, independent of any transport or editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-client-session"

#include "config.h"

#include <gio/gio.h>

#include "pp-client-session.h"

/**
 * PpClientSession:
 *
 * The client state machine of PROTOCOL.md: at most one op in flight, later
 * local edits composed into a buffer until the ack (the scheme of Jupiter /
 * Google Wave and ot.js's Client: synced, awaiting ack, awaiting with
 * buffer), plus joining, catching up and presence.
 *
 * It owns the local document (the server text at the last server version
 * with the in-flight op and the buffer applied on top), the in-flight op and
 * the buffer, the other users with their selections in local coordinates,
 * and the room's language and title.
 *
 * It does not own a transport or an editor. The transport calls
 * pp_client_session_connected(), _receive() and _disconnected() and sends
 * every #PpClientSession::send-frame; the editor calls _local_op() and
 * _set_selection() and applies #PpClientSession::remote-op and
 * #PpClientSession::reset. It never closes a connection: when
 * pp_client_session_receive() fails, or an #PpClientSession::error with code
 * %PP_PROTOCOL_ERROR_RESYNC is emitted, the transport should reconnect.
 *
 * Transforms follow the concurrency rule of PROTOCOL.md: our unacknowledged
 * ops were not in the log when a log entry L arrives, so
 *
 *                  S
 *        inflight / \ L
 *                /   \
 *               *     *
 *     L' (RIGHT) \   / inflight' = transform (inflight, L, LEFT)
 *                 \ /
 *                  *
 *
 * and the same again between L' and the buffer. The local document gets L''.
 *
 * Limitation: when the server cannot catch us up (error resync, after which
 * the next hello goes without v and the welcome carries the full text),
 * unacknowledged local edits cannot be rebased and are discarded; an
 * #PpClientSession::error with %PP_PROTOCOL_ERROR_RESYNC says so.
 */

struct _PpClientSession
{
  GObject               parent_instance;

  /* Owned */
  char                 *client;
  char                 *name;
  char                 *color;
  char                 *user;        /* our session id, from the last welcome */
  char                 *language;
  char                 *title;
  PpDocument           *document;    /* server text at @version + @inflight + @buffer */
  PpTextOp             *inflight;    /* sent, not acked, based on @version */
  PpTextOp             *buffer;      /* local edits after @inflight, not sent */
  GPtrArray            *users;       /* of PpUserInfo, local coordinates, self excluded */
  GArray               *selection;   /* of PpRange, local coordinates; NULL until set */
  char                 *following;   /* (nullable) the session we follow (extension) */
  PpRange               view;        /* local coordinates, when @has_view */
  char                 *pending_language;
  char                 *pending_title;
  char                 *token;       /* (nullable) sent in hello: a share link or owner key */

  PpProtocolLimits      limits;
  PpRole                role;
  PpGeneralAccess       access;
  gint64                version;     /* the last server version applied */
  gint64                next_seq;
  gint64                inflight_seq;
  guint                 n_inflight_edits;
  guint                 n_buffer_edits;
  guint                 n_unsent_notified;
  PpClientSessionState  state;

  /* Flags */
  guint                 joined : 1;          /* a welcome arrived at least once */
  guint                 needs_text : 1;      /* the next hello goes without v */
  guint                 presence_dirty : 1; /* @selection, @view or @following not sent yet */
  guint                 has_view : 1;
  guint                 meta_dirty : 1;      /* pending meta not sent yet */
  guint                 locked : 1;          /* read-only for everyone */
};

G_DEFINE_FINAL_TYPE (PpClientSession, pp_client_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_NAME,
  PROP_COLOR,
  PROP_STATE,
  PROP_N_UNSENT,
  N_PROPS
};

enum {
  SEND_FRAME,
  REMOTE_OP,
  RESET,
  ACKED,
  JOINED,
  USER_JOINED,
  USER_LEFT,
  PRESENCE,
  META_CHANGED,
  ACCESS_CHANGED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* g_set_str() is GLib 2.76; we target 2.74. */
static void
set_str (char       **field,
         const char  *value)
{
  char *copy;

  if (*field == value)
    return;

  copy = g_strdup (value);
  g_free (*field);
  *field = copy;
}

static void
set_state (PpClientSession      *self,
           PpClientSessionState  state)
{
  if (self->state == state)
    return;

  g_debug ("%s: state %d -> %d", self->client, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
notify_n_unsent (PpClientSession *self)
{
  guint n_unsent = self->n_inflight_edits + self->n_buffer_edits;

  if (n_unsent == self->n_unsent_notified)
    return;

  self->n_unsent_notified = n_unsent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNSENT]);
}

/* The state a joined, connected session is in. */
static PpClientSessionState
online_state (PpClientSession *self)
{
  if (self->inflight == NULL)
    return PP_CLIENT_SESSION_SYNCED;
  if (self->buffer == NULL)
    return PP_CLIENT_SESSION_AWAITING_ACK;
  return PP_CLIENT_SESSION_AWAITING_WITH_BUFFER;
}

static gboolean
is_online (PpClientSession *self)
{
  return self->state != PP_CLIENT_SESSION_OFFLINE && self->state != PP_CLIENT_SESSION_JOINING;
}

static void
send_message (PpClientSession *self,
              PpMessage       *msg)
{
  g_autofree char *frame = pp_message_to_json (msg, NULL);

  g_signal_emit (self, signals[SEND_FRAME], 0, frame);
}

static void
send_inflight (PpClientSession *self)
{
  g_autoptr(PpMessage) msg = pp_message_new_client_op (self->version, self->inflight_seq,
                                                       self->inflight);

  send_message (self, msg);
}

/* Moves the buffer into flight with a new seq; the caller sends it once the
 * state is updated (a handler of send-frame may answer synchronously). */
static void
promote_buffer (PpClientSession *self)
{
  g_assert (self->inflight == NULL);
  g_assert (self->buffer != NULL);

  self->inflight = g_steal_pointer (&self->buffer);
  self->inflight_seq = self->next_seq++;
  self->n_inflight_edits = self->n_buffer_edits;
  self->n_buffer_edits = 0;
}

static void
clamp_ranges (PpRange *ranges,
              guint    n_ranges,
              gint64   length)
{
  for (guint i = 0; i < n_ranges; i++)
    {
      ranges[i].anchor = CLAMP (ranges[i].anchor, 0, length);
      ranges[i].head = CLAMP (ranges[i].head, 0, length);
    }
}

static void
maybe_send_presence (PpClientSession *self)
{
  g_autoptr(PpMessage) msg = NULL;

  /* PROTOCOL.md: presence only with nothing in flight and nothing buffered,
   * so that local positions are positions at the server version. */
  if (self->state != PP_CLIENT_SESSION_SYNCED || !self->presence_dirty)
    return;

  msg = pp_message_new_client_presence (self->version,
                                        self->selection != NULL ? (const PpRange *) (gpointer) self->selection->data : NULL,
                                        self->selection != NULL ? self->selection->len : 0,
                                        self->has_view ? &self->view : NULL);
  msg->follow = g_strdup (self->following);
  self->presence_dirty = FALSE;
  send_message (self, msg);
}

static void
maybe_send_meta (PpClientSession *self)
{
  g_autoptr(PpMessage) msg = NULL;

  if (!is_online (self) || !self->meta_dirty)
    return;

  msg = pp_message_new_client_meta (self->pending_language, self->pending_title);
  self->meta_dirty = FALSE;
  g_clear_pointer (&self->pending_language, g_free);
  g_clear_pointer (&self->pending_title, g_free);
  send_message (self, msg);
}

static gint
find_user (PpClientSession *self,
           const char      *user)
{
  for (guint i = 0; i < self->users->len; i++)
    {
      PpUserInfo *info = g_ptr_array_index (self->users, i);

      if (g_strcmp0 (info->user, user) == 0)
        return (gint) i;
    }

  return -1;
}

/* User infos handed out (signals, get_users) are immutable: a moved
 * selection replaces the element with a changed copy. @author is the session
 * id of the op's author, NULL for our own edits. */
static void
transform_users (PpClientSession *self,
                 const PpTextOp  *op,
                 const char      *author)
{
  for (guint i = 0; i < self->users->len; i++)
    {
      PpUserInfo *info = g_ptr_array_index (self->users, i);
      PpUserInfo *copy;

      if (info->sel->len == 0 && !info->has_view)
        continue;

      copy = pp_user_info_copy (info);
      pp_text_op_transform_ranges (op, (PpRange *) (gpointer) copy->sel->data, copy->sel->len,
                                   author != NULL && g_strcmp0 (author, copy->user) == 0);
      if (copy->has_view)
        pp_text_op_transform_ranges (op, &copy->view, 1, FALSE);
      copy->v = self->version;
      g_ptr_array_index (self->users, i) = copy;
      pp_user_info_unref (info);
    }

  if (self->selection != NULL)
    pp_text_op_transform_ranges (op, (PpRange *) (gpointer) self->selection->data,
                                 self->selection->len, author == NULL);
  if (self->has_view)
    pp_text_op_transform_ranges (op, &self->view, 1, FALSE);
}

/* A copy of @info with its selection moved from the server version into
 * local coordinates: through our unacknowledged edits, which the server has
 * not seen. A selection at another version cannot be placed exactly (we keep
 * no history) and is only clamped; the next presence corrects it. */
static PpUserInfo *
user_info_to_local (PpClientSession  *self,
                    const PpUserInfo *info)
{
  PpUserInfo *copy = pp_user_info_copy (info);
  PpRange *sel = (PpRange *) (gpointer) copy->sel->data;
  gint64 length;

  if (info->v == self->version)
    {
      for (guint i = 0; i < 2; i++)
        {
          const PpTextOp *op = i == 0 ? self->inflight : self->buffer;

          if (op == NULL)
            continue;
          pp_text_op_transform_ranges (op, sel, copy->sel->len, FALSE);
          if (copy->has_view)
            pp_text_op_transform_ranges (op, &copy->view, 1, FALSE);
        }
    }
  else
    g_debug ("%s: selection of %s at v%" G_GINT64_FORMAT ", not v%" G_GINT64_FORMAT,
             self->client, info->user, info->v, self->version);

  length = (gint64) pp_document_get_length (self->document);
  clamp_ranges (sel, copy->sel->len, length);
  if (copy->has_view)
    clamp_ranges (&copy->view, 1, length);
  copy->v = self->version;

  return copy;
}

static void
emit_error (PpClientSession *self,
            PpProtocolError  code,
            const char      *message)
{
  g_signal_emit (self, signals[ERROR], 0, (gint) code, message);
}

/* The server's view and ours have diverged: rejoin from the full text. */
static gboolean
fail_resync (PpClientSession  *self,
             GError          **error,
             const char       *format,
             ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail_resync (PpClientSession  *self,
             GError          **error,
             const char       *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  self->needs_text = TRUE;
  g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_RESYNC, message);

  return FALSE;
}

static void
ack_inflight (PpClientSession *self,
              gint64           v)
{
  gint64 seq = self->inflight_seq;
  gboolean send_next = FALSE;

  self->version = v;
  pp_document_set_version (self->document, v);
  g_clear_pointer (&self->inflight, pp_text_op_unref);
  self->n_inflight_edits = 0;

  /* While catching up, the buffer waits for the end of the welcome. */
  if (is_online (self))
    {
      if (self->buffer != NULL)
        {
          promote_buffer (self);
          send_next = TRUE;
        }
      set_state (self, online_state (self));
    }

  notify_n_unsent (self);
  g_signal_emit (self, signals[ACKED], 0, seq, v);

  if (send_next && is_online (self))
    send_inflight (self);
  maybe_send_presence (self);
}

/* One log entry, from an op frame or from welcome.ops. */
static gboolean
handle_entry (PpClientSession   *self,
              const PpLogEntry  *entry,
              GError           **error)
{
  g_autoptr(PpTextOp) inflight = NULL;
  g_autoptr(PpTextOp) buffer = NULL;
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ours = g_strcmp0 (entry->client, self->client) == 0;

  if (entry->v <= self->version)
    {
      /* Our own op, already taken as acked: the daemon may both ack a
       * resent op and relay its entry to our new session. */
      if (ours && entry->seq < self->next_seq)
        {
          g_debug ("%s: ignoring known entry v%" G_GINT64_FORMAT, self->client, entry->v);
          return TRUE;
        }

      return fail_resync (self, error, "received version %" G_GINT64_FORMAT " again",
                          entry->v);
    }

  if (entry->v != self->version + 1)
    return fail_resync (self, error,
                        "received version %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
                        entry->v, self->version);

  if (ours && self->inflight != NULL && entry->seq == self->inflight_seq)
    {
      ack_inflight (self, entry->v);
      return TRUE;
    }

  /* Transform into local coordinates; nothing changes until the op is
   * known to fit the local document. */
  op = pp_text_op_ref (entry->op);

  if (self->inflight != NULL)
    {
      PpTextOp *next = pp_text_op_transform (op, self->inflight, PP_SIDE_RIGHT);

      inflight = pp_text_op_transform (self->inflight, op, PP_SIDE_LEFT);
      g_clear_pointer (&op, pp_text_op_unref);
      op = next;
    }

  if (self->buffer != NULL)
    {
      PpTextOp *next = pp_text_op_transform (op, self->buffer, PP_SIDE_RIGHT);

      buffer = pp_text_op_transform (self->buffer, op, PP_SIDE_LEFT);
      g_clear_pointer (&op, pp_text_op_unref);
      op = next;
    }

  if (!pp_document_apply (self->document, op, &local_error))
    return fail_resync (self, error, "version %" G_GINT64_FORMAT " does not fit the document: %s",
                        entry->v, local_error->message);

  if (inflight != NULL)
    {
      g_clear_pointer (&self->inflight, pp_text_op_unref);
      self->inflight = g_steal_pointer (&inflight);
    }
  if (buffer != NULL)
    {
      g_clear_pointer (&self->buffer, pp_text_op_unref);
      self->buffer = g_steal_pointer (&buffer);
    }

  self->version = entry->v;
  pp_document_set_version (self->document, entry->v);
  transform_users (self, op, entry->user);

  if (!pp_text_op_is_identity (op))
    g_signal_emit (self, signals[REMOTE_OP], 0, op);

  return TRUE;
}

static void
replace_users (PpClientSession *self,
               GPtrArray       *users)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->users);

  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);

  for (guint i = 0; i < old->len; i++)
    {
      PpUserInfo *info = g_ptr_array_index (old, i);

      g_signal_emit (self, signals[USER_LEFT], 0, info->user);
    }

  for (guint i = 0; i < users->len; i++)
    {
      const PpUserInfo *info = g_ptr_array_index (users, i);
      PpUserInfo *local;

      if (g_strcmp0 (info->user, self->user) == 0 || find_user (self, info->user) >= 0)
        continue;

      local = user_info_to_local (self, info);
      g_ptr_array_add (self->users, local);
      g_signal_emit (self, signals[USER_JOINED], 0, local);
    }
}

static gboolean
set_meta_fields (PpClientSession *self,
                 const char      *language,
                 const char      *title)
{
  gboolean changed = FALSE;

  if (language != NULL && g_strcmp0 (language, self->language) != 0)
    {
      g_free (self->language);
      self->language = g_strdup (language);
      changed = TRUE;
    }

  if (title != NULL && g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      changed = TRUE;
    }

  return changed;
}

/* Takes the access settings of a welcome or access frame; TRUE when they changed. */
static gboolean
set_access (PpClientSession *self,
            PpMessage       *msg)
{
  gboolean changed = self->role != msg->role || self->access != msg->access ||
                     self->locked != msg->locked;

  self->role = msg->role;
  self->access = msg->access;
  self->locked = msg->locked;

  return changed;
}

static gboolean
handle_welcome (PpClientSession  *self,
                PpMessage        *msg,
                GError          **error)
{
  gboolean meta_changed;
  gboolean access_changed = set_access (self, msg);

  /* Edits the room will refuse (it became read-only for us while they were
   * unsent) cannot be merged: only the full text repairs the document. */
  if (msg->has_ops && !pp_client_session_can_edit (self) &&
      (self->inflight != NULL || self->buffer != NULL))
    return fail_resync (self, error, "the room is read-only for you now");

  if (msg->has_ops)
    {
      gint64 last = msg->ops->len > 0
        ? ((PpLogEntry *) g_ptr_array_index (msg->ops, msg->ops->len - 1))->v
        : self->version;

      if (!self->joined || self->needs_text)
        return fail_resync (self, error, "welcome carries ops but hello had no version");

      if (msg->v != last)
        return fail_resync (self, error,
                            "welcome is at version %" G_GINT64_FORMAT " but its ops end at %"
                            G_GINT64_FORMAT, msg->v, last);

      set_str (&self->user, msg->user);

      for (guint i = 0; i < msg->ops->len; i++)
        {
          if (!handle_entry (self, g_ptr_array_index (msg->ops, i), error))
            return FALSE;
        }
    }
  else
    {
      guint n_lost = self->n_inflight_edits + self->n_buffer_edits;

      /* The in-flight op may or may not be in the log. Its seq is reused by
       * the next op: if the daemon did log it, it answers that op with the
       * old entry's version, and handle_ack() resends it with a new seq. */
      if (self->inflight != NULL)
        self->next_seq = self->inflight_seq;

      g_clear_pointer (&self->inflight, pp_text_op_unref);
      g_clear_pointer (&self->buffer, pp_text_op_unref);
      self->n_inflight_edits = 0;
      self->n_buffer_edits = 0;

      g_clear_pointer (&self->document, pp_document_free);
      self->document = pp_document_new (msg->text, -1, msg->v);
      self->version = msg->v;
      set_str (&self->user, msg->user);

      if (self->selection != NULL)
        clamp_ranges ((PpRange *) (gpointer) self->selection->data, self->selection->len,
                      (gint64) pp_document_get_length (self->document));
      if (self->has_view)
        clamp_ranges (&self->view, 1, (gint64) pp_document_get_length (self->document));

      notify_n_unsent (self);
      g_signal_emit (self, signals[RESET], 0, msg->text);

      if (n_lost > 0 && !pp_client_session_can_edit (self))
        {
          g_autofree char *message =
            g_strdup_printf ("%u local edit%s %s not saved: the room is read-only for you",
                             n_lost, n_lost == 1 ? "" : "s", n_lost == 1 ? "was" : "were");

          emit_error (self, PP_PROTOCOL_ERROR_FORBIDDEN, message);
        }
      else if (n_lost > 0)
        {
          g_autofree char *message =
            g_strdup_printf ("%u local edit%s could not be merged after reconnecting "
                             "and %s discarded",
                             n_lost, n_lost == 1 ? "" : "s", n_lost == 1 ? "was" : "were");

          emit_error (self, PP_PROTOCOL_ERROR_RESYNC, message);
        }
    }

  self->joined = TRUE;
  self->needs_text = FALSE;

  meta_changed = set_meta_fields (self, msg->language, msg->title);
  replace_users (self, msg->users);
  if (access_changed)
    g_signal_emit (self, signals[ACCESS_CHANGED], 0);

  if (self->inflight == NULL && self->buffer != NULL)
    promote_buffer (self);

  set_state (self, online_state (self));
  notify_n_unsent (self);

  /* Catch-up has transformed the in-flight op past every entry it missed, so
   * it is based on the current version: resend it as it is now, with v =
   * the current version and the SAME seq. (Sending the original op with its
   * original base version would be just as valid, since the daemon
   * transforms past newer entries, but we no longer keep the original.) If
   * the daemon logged it after building this welcome, it answers with the
   * entry's version; handle_entry() and handle_ack() cope with either order. */
  if (self->inflight != NULL)
    send_inflight (self);

  if (self->selection != NULL || self->has_view || self->following != NULL)
    self->presence_dirty = TRUE;

  if (meta_changed)
    g_signal_emit (self, signals[META_CHANGED], 0);

  g_signal_emit (self, signals[JOINED], 0);

  maybe_send_presence (self);
  maybe_send_meta (self);

  return TRUE;
}

static gboolean
handle_ack (PpClientSession  *self,
            PpMessage        *msg,
            GError          **error)
{
  if (self->inflight != NULL && msg->seq == self->inflight_seq)
    {
      if (msg->v == self->version + 1)
        {
          ack_inflight (self, msg->v);
          return TRUE;
        }

      if (msg->v <= self->version)
        {
          /* The daemon already had an op with this seq (see handle_welcome()):
           * ours was not applied. Send it again under a fresh seq. */
          g_debug ("%s: seq %" G_GINT64_FORMAT " was taken, resending as %" G_GINT64_FORMAT,
                   self->client, self->inflight_seq, self->next_seq);
          self->inflight_seq = self->next_seq++;
          send_inflight (self);
          return TRUE;
        }

      return fail_resync (self, error,
                          "ack for version %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
                          msg->v, self->version);
    }

  /* A second ack for an op already taken as acked from a log entry. */
  if (msg->seq < (self->inflight != NULL ? self->inflight_seq : self->next_seq))
    {
      g_debug ("%s: ignoring ack for seq %" G_GINT64_FORMAT, self->client, msg->seq);
      return TRUE;
    }

  {
    g_autofree char *message = g_strdup_printf ("ignored an ack for seq %" G_GINT64_FORMAT
                                                ", which was never sent", msg->seq);

    emit_error (self, PP_PROTOCOL_ERROR_BAD_MESSAGE, message);
  }

  return TRUE;
}

static void
handle_presence (PpClientSession *self,
                 PpMessage       *msg)
{
  g_autoptr(PpUserInfo) info = NULL;
  PpUserInfo *old;
  gint index;

  if (g_strcmp0 (msg->user, self->user) == 0 || (index = find_user (self, msg->user)) < 0)
    return;

  /* The daemon relays presence at its current version, which (frames being
   * in order) is ours; anything else cannot be placed, and the next
   * presence will do. */
  if (msg->v != self->version)
    {
      g_debug ("%s: dropping presence at v%" G_GINT64_FORMAT ", at v%" G_GINT64_FORMAT,
               self->client, msg->v, self->version);
      return;
    }

  old = g_ptr_array_index (self->users, index);
  info = pp_user_info_new (old->user, old->client, old->name, old->color, msg->v);
  g_array_append_vals (info->sel, msg->sel->data, msg->sel->len);
  info->has_view = msg->has_view;
  info->view = msg->view;
  info->follow = g_strdup (msg->follow);
  info->role = old->role;
  info->verified = old->verified;

  g_ptr_array_index (self->users, index) = user_info_to_local (self, info);
  pp_user_info_unref (old);

  g_signal_emit (self, signals[PRESENCE], 0, g_ptr_array_index (self->users, index));
}

static void
handle_join (PpClientSession *self,
             PpMessage       *msg)
{
  PpUserInfo *local;
  gint index;

  if (g_strcmp0 (msg->user_info->user, self->user) == 0)
    return;

  local = user_info_to_local (self, msg->user_info);
  if ((index = find_user (self, local->user)) >= 0)
    g_ptr_array_remove_index (self->users, index);
  g_ptr_array_add (self->users, local);

  g_signal_emit (self, signals[USER_JOINED], 0, local);
}

static void
handle_access (PpClientSession *self,
               PpMessage       *msg)
{
  set_access (self, msg);

  for (guint i = 0; i < self->users->len; i++)
    {
      PpUserInfo *info = g_ptr_array_index (self->users, i);
      gpointer role;

      if (g_hash_table_lookup_extended (msg->roles, info->user, NULL, &role))
        info->role = GPOINTER_TO_INT (role);
    }

  g_signal_emit (self, signals[ACCESS_CHANGED], 0);
}

static void
handle_leave (PpClientSession *self,
              PpMessage       *msg)
{
  gint index = find_user (self, msg->user);

  if (index < 0)
    return;

  g_ptr_array_remove_index (self->users, index);
  g_signal_emit (self, signals[USER_LEFT], 0, msg->user);
}

static void
handle_error (PpClientSession *self,
              PpMessage       *msg)
{
  /* bad_version and resync refuse our hello.v: rejoin without it. A refused
   * in-flight op means the local document holds an edit the room will never
   * have: only the full text can repair that. */
  if (msg->code == PP_PROTOCOL_ERROR_RESYNC || msg->code == PP_PROTOCOL_ERROR_BAD_VERSION ||
      (msg->has_seq && self->inflight != NULL && msg->seq == self->inflight_seq))
    self->needs_text = TRUE;

  emit_error (self, msg->code, msg->message);
}

static void
pp_client_session_finalize (GObject *object)
{
  PpClientSession *self = (PpClientSession *)object;

  g_clear_pointer (&self->client, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->color, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->document, pp_document_free);
  g_clear_pointer (&self->inflight, pp_text_op_unref);
  g_clear_pointer (&self->buffer, pp_text_op_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->selection, g_array_unref);
  g_clear_pointer (&self->following, g_free);
  g_clear_pointer (&self->pending_language, g_free);
  g_clear_pointer (&self->pending_title, g_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (pp_client_session_parent_class)->finalize (object);
}

static void
pp_client_session_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PpClientSession *self = PP_CLIENT_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_string (value, self->client);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_N_UNSENT:
      g_value_set_uint (value, pp_client_session_get_n_unsent (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_client_session_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PpClientSession *self = PP_CLIENT_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_string (value);
      break;

    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;

    case PROP_COLOR:
      g_free (self->color);
      self->color = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_client_session_class_init (PpClientSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pp_client_session_finalize;
  object_class->get_property = pp_client_session_get_property;
  object_class->set_property = pp_client_session_set_property;

  /**
   * PpClientSession:client:
   *
   * The stable client id sent in hello; it names the seq counter on the
   * daemon, so it must not be reused by another session.
   */
  properties[PROP_CLIENT] =
    g_param_spec_string ("client", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * PpClientSession:name:
   *
   * The display name sent in hello. Set it with
   * pp_client_session_set_identity(), which checks it.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * PpClientSession:color: (nullable)
   *
   * The color sent in hello, "#rrggbb", or %NULL to let the daemon pick.
   */
  properties[PROP_COLOR] =
    g_param_spec_string ("color", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * PpClientSession:state:
   *
   * Where the session is in its state machine.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       PP_TYPE_CLIENT_SESSION_STATE, PP_CLIENT_SESSION_OFFLINE,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * PpClientSession:n-unsent:
   *
   * The number of local edits (calls of pp_client_session_local_op() with a
   * non-identity op) the server has not acknowledged yet, whether in flight
   * or buffered. Zero means everything typed is durably stored.
   */
  properties[PROP_N_UNSENT] =
    g_param_spec_uint ("n-unsent", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PpClientSession::send-frame:
   * @self: the session
   * @frame: one JSON text frame
   *
   * The transport must send @frame, in the order emitted.
   */
  signals[SEND_FRAME] =
    g_signal_new ("send-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * PpClientSession::remote-op:
   * @self: the session
   * @op: a remote op in local coordinates
   *
   * Someone else's edit, already transformed past our unacknowledged edits
   * and already applied to the session's document; the editor applies it
   * to its buffer.
   */
  signals[REMOTE_OP] =
    g_signal_new ("remote-op", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PP_TYPE_TEXT_OP);

  /**
   * PpClientSession::reset:
   * @self: the session
   * @text: the whole document
   *
   * A welcome brought the full text: the editor replaces its content.
   */
  signals[RESET] =
    g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * PpClientSession::acked:
   * @self: the session
   * @seq: the op's sequence number
   * @v: the version it produced
   *
   * The server stored one of our ops.
   */
  signals[ACKED] =
    g_signal_new ("acked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * PpClientSession::joined:
   * @self: the session
   *
   * A welcome has been handled: the document, users, language and title
   * are current.
   */
  signals[JOINED] =
    g_signal_new ("joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PpClientSession::user-joined:
   * @self: the session
   * @user_info: the user, selection in local coordinates
   *
   * Another session is in the room (from welcome or join).
   */
  signals[USER_JOINED] =
    g_signal_new ("user-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PP_TYPE_USER_INFO);

  /**
   * PpClientSession::user-left:
   * @self: the session
   * @user: the session id
   *
   * A session left, or the users were replaced by a new welcome.
   */
  signals[USER_LEFT] =
    g_signal_new ("user-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PpClientSession::presence:
   * @self: the session
   * @user_info: the user, selection and view in local coordinates
   *
   * A user's selection or view changed. (Selections also move with every
   * edit; pp_client_session_get_users() always has them current, and the
   * editor's own marks follow edits anyway, so that is not signalled.)
   */
  signals[PRESENCE] =
    g_signal_new ("presence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PP_TYPE_USER_INFO);

  /**
   * PpClientSession::meta-changed:
   * @self: the session
   *
   * The room's language or title changed.
   */
  signals[META_CHANGED] =
    g_signal_new ("meta-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PpClientSession::error:
   * @self: the session
   * @code: a #PpProtocolError
   * @message: for a person
   *
   * An error frame from the server, or local edits were discarded
   * (%PP_PROTOCOL_ERROR_RESYNC), or an unexpected ack was ignored.
   */
  /**
   * PpClientSession::access-changed:
   * @self: the session
   *
   * Our role, the room's general access or its lock changed, or the role
   * of other sessions (pp_client_session_get_users() has them).
   */
  signals[ACCESS_CHANGED] =
    g_signal_new ("access-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
pp_client_session_init (PpClientSession *self)
{
  pp_protocol_limits_init_default (&self->limits);
  /* The daemon's frame limit is for what it receives; a welcome carries a
   * whole document (up to 16 Mi code points). The transport bounds it. */
  self->limits.max_frame_bytes = G_MAXSIZE;

  self->document = pp_document_new (NULL, 0, 0);
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
  self->next_seq = 1;
  self->state = PP_CLIENT_SESSION_OFFLINE;
  self->role = PP_ROLE_EDITOR;
}

GType
pp_client_session_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { PP_CLIENT_SESSION_OFFLINE, "PP_CLIENT_SESSION_OFFLINE", "offline" },
        { PP_CLIENT_SESSION_JOINING, "PP_CLIENT_SESSION_JOINING", "joining" },
        { PP_CLIENT_SESSION_SYNCED, "PP_CLIENT_SESSION_SYNCED", "synced" },
        { PP_CLIENT_SESSION_AWAITING_ACK, "PP_CLIENT_SESSION_AWAITING_ACK", "awaiting-ack" },
        { PP_CLIENT_SESSION_AWAITING_WITH_BUFFER, "PP_CLIENT_SESSION_AWAITING_WITH_BUFFER",
          "awaiting-with-buffer" },
        { 0, NULL, NULL }
      };
      GType id = g_enum_register_static (g_intern_static_string ("PpClientSessionState"), values);

      g_once_init_leave (&type_id, id);
    }

  return type_id;
}

/**
 * pp_client_session_new:
 * @client: a stable client id, 8 to 64 of `[A-Za-z0-9_-]`
 * @name: the display name, 1 to 64 characters
 * @color: (nullable): "#rrggbb", or %NULL to let the daemon pick
 *
 * Returns: (transfer full): a new, offline session
 */
PpClientSession *
pp_client_session_new (const char *client,
                       const char *name,
                       const char *color)
{
  glong n_chars;

  g_return_val_if_fail (pp_protocol_client_id_is_valid (client), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  n_chars = g_utf8_strlen (name, -1);
  g_return_val_if_fail (n_chars >= 1 && n_chars <= 64, NULL);
  g_return_val_if_fail (color == NULL || pp_protocol_color_is_valid (color), NULL);

  return g_object_new (PP_TYPE_CLIENT_SESSION,
                       "client", client,
                       "name", name,
                       "color", color,
                       NULL);
}

const char *
pp_client_session_get_client (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->client;
}

const char *
pp_client_session_get_name (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->name;
}

/**
 * pp_client_session_get_color:
 * @self: a session
 *
 * Returns: (nullable): the color sent in hello, or %NULL if the daemon picks
 */
const char *
pp_client_session_get_color (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->color;
}

/**
 * pp_client_session_get_user:
 * @self: a session
 *
 * Returns: (nullable): our session id from the last welcome
 */
const char *
pp_client_session_get_user (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->user;
}

PpClientSessionState
pp_client_session_get_state (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), PP_CLIENT_SESSION_OFFLINE);

  return self->state;
}

/**
 * pp_client_session_get_version:
 * @self: a session
 *
 * Returns: the last server version applied (the local document may hold
 *   unacknowledged edits on top of it)
 */
gint64
pp_client_session_get_version (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), 0);

  return self->version;
}

/**
 * pp_client_session_get_next_seq:
 * @self: a session
 *
 * Returns: the seq the next new op will be sent with
 */
gint64
pp_client_session_get_next_seq (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), 0);

  return self->next_seq;
}

/**
 * pp_client_session_get_n_unsent:
 * @self: a session
 *
 * Returns: the value of #PpClientSession:n-unsent
 */
guint
pp_client_session_get_n_unsent (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), 0);

  return self->n_inflight_edits + self->n_buffer_edits;
}

/**
 * pp_client_session_get_language:
 * @self: a session
 *
 * Returns: (nullable): the room's language, as last announced by the server
 */
const char *
pp_client_session_get_language (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->language;
}

/**
 * pp_client_session_get_title:
 * @self: a session
 *
 * Returns: (nullable): the room's title, as last announced by the server
 */
const char *
pp_client_session_get_title (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->title;
}

/**
 * pp_client_session_get_document:
 * @self: a session
 *
 * Returns: (transfer none): the local document: the server text with our
 *   unacknowledged edits applied; what the editor should show
 */
const PpDocument *
pp_client_session_get_document (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->document;
}

/**
 * pp_client_session_dup_text:
 * @self: a session
 *
 * Returns: (transfer full): the text of the local document
 */
char *
pp_client_session_dup_text (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return pp_document_dup_text (self->document);
}

/**
 * pp_client_session_get_users:
 * @self: a session
 *
 * The other sessions in the room, with selections in local coordinates.
 * Elements are replaced, never changed, when a selection moves: take a
 * reference to keep one.
 *
 * Returns: (transfer none) (element-type PpUserInfo): the users
 */
GPtrArray *
pp_client_session_get_users (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->users;
}

/**
 * pp_client_session_connected:
 * @self: an offline session
 *
 * The transport is open: sends hello, with the last server version when
 * the session has joined before (the daemon then catches it up with ops).
 */
void
pp_client_session_connected (PpClientSession *self)
{
  g_autoptr(PpMessage) hello = NULL;
  gboolean has_v;

  g_return_if_fail (PP_IS_CLIENT_SESSION (self));
  g_return_if_fail (self->state == PP_CLIENT_SESSION_OFFLINE);

  has_v = self->joined && !self->needs_text;
  hello = pp_message_new_hello (self->client, self->name, self->color, has_v, self->version,
                                self->token);

  set_state (self, PP_CLIENT_SESSION_JOINING);
  send_message (self, hello);
}

/**
 * pp_client_session_disconnected:
 * @self: a session
 *
 * The transport is gone. Nothing is lost: the in-flight op is resent with
 * the same seq after the next welcome, and local edits keep accumulating in
 * the buffer.
 */
void
pp_client_session_disconnected (PpClientSession *self)
{
  g_return_if_fail (PP_IS_CLIENT_SESSION (self));

  set_state (self, PP_CLIENT_SESSION_OFFLINE);
}

/**
 * pp_client_session_receive:
 * @self: a connected session
 * @frame: (array length=n_bytes): one frame from the server
 * @n_bytes: its length
 * @error: a #GError
 *
 * Handles one frame. An error frame is emitted as #PpClientSession::error
 * and is not a failure of this function.
 *
 * Returns: %FALSE if the frame is invalid or does not follow from what came
 *   before; the connection should then be dropped and reopened (with
 *   %PP_PROTOCOL_ERROR_RESYNC the session rejoins from the full text)
 */
gboolean
pp_client_session_receive (PpClientSession  *self,
                           const char       *frame,
                           gsize             n_bytes,
                           GError          **error)
{
  g_autoptr(PpMessage) msg = NULL;

  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), FALSE);
  g_return_val_if_fail (frame != NULL || n_bytes == 0, FALSE);

  if (self->state == PP_CLIENT_SESSION_OFFLINE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "received a frame while disconnected");
      return FALSE;
    }

  if (!(msg = pp_client_session_parse (self, frame, n_bytes, error)))
    return FALSE;

  return pp_client_session_receive_message (self, msg, error);
}

/**
 * pp_client_session_parse:
 * @self: a session
 * @frame: (array length=n_bytes): one frame from the server
 * @n_bytes: its length
 * @error: a #GError
 *
 * Parses a server frame with the session's limits, for a caller that reads
 * the message too before pp_client_session_receive_message().
 *
 * Returns: (transfer full) (nullable): the message
 */
PpMessage *
pp_client_session_parse (PpClientSession  *self,
                         const char       *frame,
                         gsize             n_bytes,
                         GError          **error)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return pp_message_parse (frame, n_bytes, PP_DIRECTION_FROM_SERVER, &self->limits, error);
}

/**
 * pp_client_session_receive_message:
 * @self: a connected session
 * @msg: a message from pp_client_session_parse()
 * @error: a #GError
 *
 * pp_client_session_receive() for a frame already parsed.
 *
 * Returns: as pp_client_session_receive()
 */
gboolean
pp_client_session_receive_message (PpClientSession  *self,
                                   PpMessage        *msg,
                                   GError          **error)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), FALSE);
  g_return_val_if_fail (msg != NULL && msg->direction == PP_DIRECTION_FROM_SERVER, FALSE);

  if (self->state == PP_CLIENT_SESSION_OFFLINE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "received a frame while disconnected");
      return FALSE;
    }

  /* A newer daemon's message types are ignored, as the protocol asks. */
  if (msg->type == PP_MESSAGE_UNKNOWN)
    return TRUE;

  if (self->state == PP_CLIENT_SESSION_JOINING &&
      msg->type != PP_MESSAGE_WELCOME && msg->type != PP_MESSAGE_ERROR)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "received %s before welcome", pp_message_type_to_string (msg->type));
      return FALSE;
    }

  switch (msg->type)
    {
    case PP_MESSAGE_WELCOME:
      if (self->state != PP_CLIENT_SESSION_JOINING)
        {
          g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                               "received a second welcome");
          return FALSE;
        }
      return handle_welcome (self, msg, error);

    case PP_MESSAGE_ACK:
      return handle_ack (self, msg, error);

    case PP_MESSAGE_OP:
      return handle_entry (self, msg->entry, error);

    case PP_MESSAGE_PRESENCE:
      handle_presence (self, msg);
      return TRUE;

    case PP_MESSAGE_JOIN:
      handle_join (self, msg);
      return TRUE;

    case PP_MESSAGE_LEAVE:
      handle_leave (self, msg);
      return TRUE;

    case PP_MESSAGE_META:
      if (set_meta_fields (self, msg->language, msg->title))
        g_signal_emit (self, signals[META_CHANGED], 0);
      return TRUE;

    case PP_MESSAGE_ERROR:
      /* An error about a complete frame is not about the session. */
      if (!msg->has_id)
        handle_error (self, msg);
      return TRUE;

    case PP_MESSAGE_ACCESS:
      handle_access (self, msg);
      return TRUE;

    case PP_MESSAGE_COMPLETIONS:
      /* This session asks for completions over REST (the app's provider). */
      return TRUE;

    case PP_MESSAGE_HELLO:
    case PP_MESSAGE_COMPLETE:
    default:
      g_assert_not_reached ();
    }
}

/**
 * pp_client_session_local_op:
 * @self: a session that has joined at least once
 * @op: an edit of the local document, as the editor made it
 * @error: a #GError
 *
 * Applies @op to the local document and sends it (or buffers it while an op
 * is in flight or the session is offline).
 *
 * Returns: %FALSE with a #PP_TEXT_OP_ERROR if @op does not fit the local
 *   document, or %G_IO_ERROR_NOT_INITIALIZED before the first welcome (there
 *   is no document to edit yet); nothing changes then
 */
gboolean
pp_client_session_local_op (PpClientSession  *self,
                            PpTextOp         *op,
                            GError          **error)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), FALSE);
  g_return_val_if_fail (op != NULL, FALSE);

  if (!self->joined)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "the session has not joined its room yet");
      return FALSE;
    }

  if (!pp_client_session_can_edit (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           "the room is read-only for you");
      return FALSE;
    }

  if (!pp_document_apply (self->document, op, error))
    return FALSE;

  if (pp_text_op_is_identity (op))
    return TRUE;

  transform_users (self, op, NULL);

  if (self->state == PP_CLIENT_SESSION_SYNCED)
    {
      self->inflight = pp_text_op_ref (op);
      self->inflight_seq = self->next_seq++;
      self->n_inflight_edits = 1;
      set_state (self, PP_CLIENT_SESSION_AWAITING_ACK);
      send_inflight (self);
    }
  else
    {
      PpTextOp *buffer = self->buffer != NULL ? pp_text_op_compose (self->buffer, op)
                                              : pp_text_op_ref (op);

      g_clear_pointer (&self->buffer, pp_text_op_unref);
      self->buffer = buffer;
      self->n_buffer_edits++;
      if (self->state == PP_CLIENT_SESSION_AWAITING_ACK)
        set_state (self, PP_CLIENT_SESSION_AWAITING_WITH_BUFFER);
    }

  notify_n_unsent (self);

  return TRUE;
}

/**
 * pp_client_session_set_selection:
 * @self: a session
 * @ranges: (array length=n_ranges) (nullable): our selection, in local coordinates
 * @n_ranges: number of ranges; beyond the protocol's 32 they are dropped
 *
 * Announces our selection. PROTOCOL.md allows presence only with nothing in
 * flight and nothing buffered, so it may wait until then (the latest
 * selection wins; it moves with edits meanwhile). It is sent again after a
 * reconnect. Positions past the end of the document are clamped.
 */
void
pp_client_session_set_selection (PpClientSession *self,
                                 const PpRange   *ranges,
                                 guint            n_ranges)
{
  g_return_if_fail (PP_IS_CLIENT_SESSION (self));
  g_return_if_fail (ranges != NULL || n_ranges == 0);

  n_ranges = MIN (n_ranges, self->limits.max_ranges);

  g_clear_pointer (&self->selection, g_array_unref);
  self->selection = g_array_sized_new (FALSE, FALSE, sizeof (PpRange), n_ranges);
  if (n_ranges > 0)
    g_array_append_vals (self->selection, ranges, n_ranges);
  clamp_ranges ((PpRange *) (gpointer) self->selection->data, n_ranges,
                (gint64) pp_document_get_length (self->document));
  self->presence_dirty = TRUE;

  maybe_send_presence (self);
}

/**
 * pp_client_session_set_view:
 * @self: a session
 * @view: (nullable): the range of text on our screen, in local coordinates,
 *   or %NULL for none
 *
 * Announces what we see, so that others can follow us. It travels with
 * our selection, under the same rules; positions past the end are clamped.
 */
void
pp_client_session_set_view (PpClientSession *self,
                            const PpRange   *view)
{
  g_return_if_fail (PP_IS_CLIENT_SESSION (self));

  self->has_view = view != NULL;
  if (view != NULL)
    {
      self->view.anchor = MIN (view->anchor, view->head);
      self->view.head = MAX (view->anchor, view->head);
      clamp_ranges (&self->view, 1, (gint64) pp_document_get_length (self->document));
    }
  self->presence_dirty = TRUE;

  maybe_send_presence (self);
}

/**
 * pp_client_session_set_following:
 * @self: a session
 * @user: (nullable): the session id of the person we follow, or %NULL
 *
 * Tells the room whom we follow (the protocol's `follow` extension), with
 * our next presence.
 */
void
pp_client_session_set_following (PpClientSession *self,
                                 const char      *user)
{
  g_return_if_fail (PP_IS_CLIENT_SESSION (self));

  if (g_strcmp0 (self->following, user) == 0)
    return;

  g_free (self->following);
  self->following = g_strdup (user);
  self->presence_dirty = TRUE;

  maybe_send_presence (self);
}

/**
 * pp_client_session_get_following:
 * @self: a session
 *
 * Returns: (nullable): the session id we follow
 */
const char *
pp_client_session_get_following (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), NULL);

  return self->following;
}

/**
 * pp_client_session_set_identity:
 * @self: a session
 * @name: 1 to 64 characters
 * @color: (nullable): "#rrggbb", or %NULL to let the daemon pick
 *
 * Changes who we say we are. The protocol carries name and color in hello
 * only, so others see the change after the next (re)connect.
 */
void
pp_client_session_set_identity (PpClientSession *self,
                                const char      *name,
                                const char      *color)
{
  glong n_chars;

  g_return_if_fail (PP_IS_CLIENT_SESSION (self));
  g_return_if_fail (name != NULL);
  n_chars = g_utf8_strlen (name, -1);
  g_return_if_fail (n_chars >= 1 && n_chars <= 64);
  g_return_if_fail (color == NULL || pp_protocol_color_is_valid (color));

  g_object_set (self, "name", name, "color", color, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

/**
 * pp_client_session_set_meta:
 * @self: a session
 * @language: (nullable): a language id of 1 to 64 characters, or %NULL to keep it
 * @title: (nullable): a title, cut to 256 characters, or %NULL to keep it
 *
 * Asks the room to change its settings, now if joined, else after the next
 * welcome. The session's language and title change only when the server's
 * meta frame comes back, so concurrent changes settle the same everywhere.
 */
void
pp_client_session_set_meta (PpClientSession *self,
                            const char      *language,
                            const char      *title)
{
  g_return_if_fail (PP_IS_CLIENT_SESSION (self));
  g_return_if_fail (language == NULL ||
                    (g_utf8_strlen (language, -1) >= 1 &&
                     g_utf8_strlen (language, -1) <= (glong) self->limits.max_language_chars));

  /* The daemon would refuse it, and close the session. */
  if (!pp_client_session_can_edit (self))
    return;

  if (language != NULL)
    set_str (&self->pending_language, language);

  if (title != NULL)
    {
      g_free (self->pending_title);
      self->pending_title = g_utf8_substring (title, 0,
                                              MIN (g_utf8_strlen (title, -1),
                                                   (glong) self->limits.max_title_chars));
    }

  self->meta_dirty = TRUE;
  maybe_send_meta (self);
}

/**
 * pp_client_session_set_token:
 * @self: a session
 * @token: (nullable): a share link's token or the room's owner key
 *
 * What the next hello presents to the daemon, which decides the role from it.
 */
void
pp_client_session_set_token (PpClientSession *self,
                             const char      *token)
{
  g_return_if_fail (PP_IS_CLIENT_SESSION (self));

  set_str (&self->token, token);
}

PpRole
pp_client_session_get_role (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), PP_ROLE_VIEWER);

  return self->role;
}

PpGeneralAccess
pp_client_session_get_general_access (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), PP_GENERAL_ACCESS_EDIT);

  return self->access;
}

gboolean
pp_client_session_is_locked (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), FALSE);

  return self->locked;
}

/**
 * pp_client_session_can_edit:
 * @self: a session
 *
 * Returns: whether the daemon takes our edits and meta changes: we are not
 *   a viewer and the room is not locked
 */
gboolean
pp_client_session_can_edit (PpClientSession *self)
{
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (self), FALSE);

  return self->role != PP_ROLE_VIEWER && !self->locked;
}
