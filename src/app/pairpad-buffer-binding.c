/* pairpad-buffer-binding.c: GtkTextBuffer ↔ PpClientSession, the only bridge between them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-buffer-binding"

#include "config.h"

#include <string.h>

#include "pairpad-buffer-binding.h"

/* PairpadBufferBinding turns the buffer's insert-text/delete-range into
 * ops for the session, and the session's remote ops and resets into buffer
 * edits. GtkTextIter offsets count characters, which are code points, the
 * protocol's unit, so no conversion is needed (unlike Monaco's UTF-16).
 *
 * Remote edits are applied under a guard (the handlers ignore them) and never
 * move the local caret or selection the way GtkTextBuffer's right-gravity
 * insert mark would: both are saved as offsets, moved with
 * pp_text_op_transform_position() as for a remote op, and restored.
 *
 * Per-user undo (ot.js's UndoManager): the buffer's own undo is off, since it
 * would undo other people's edits. The stacks hold inverses of our own ops;
 * every remote op is transformed through them, newest first, so an undo
 * removes only what we did, wherever the others' edits moved it.
 *
 * While the session may not edit (a viewer, a locked room) the buffer
 * refuses edits before they happen, so it never holds text the room will
 * not have. The editor is read-only then anyway; this covers programs.
 *
 * It does not own the connection, draw cursors or know about widgets. */

#define MERGE_USEC (G_USEC_PER_SEC)

struct _PairpadBufferBinding
{
  GObject          parent_instance;

  /* Owned */
  GtkTextBuffer   *buffer;
  PpClientSession *session;
  GPtrArray       *undo;          /* of PpTextOp, inverses, newest last */
  GPtrArray       *redo;
  PpTextOp        *group;         /* inverse of the edits of the current user action */

  gint64           last_push;     /* monotonic µs */
  guint            user_action;
  gboolean         applying;      /* the buffer is being changed by us, not the user */
  gboolean         last_typing;   /* the last undo entry is plain typing, may merge */
  gboolean         group_typing;
};

G_DEFINE_FINAL_TYPE (PairpadBufferBinding, pairpad_buffer_binding, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify_stacks (PairpadBufferBinding *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

/* Applies @op to the buffer without feeding it back to the session. */
static void
apply_to_buffer (PairpadBufferBinding *self,
                 const PpTextOp       *op)
{
  gint64 pos = 0;

  self->applying = TRUE;
  for (guint i = 0; i < pp_text_op_get_n_components (op); i++)
    {
      const PpOpComponent *c = pp_text_op_get_component (op, i);
      GtkTextIter start, end;

      switch (c->kind)
        {
        case PP_OP_SKIP:
          pos += c->count;
          break;

        case PP_OP_INSERT:
          gtk_text_buffer_get_iter_at_offset (self->buffer, &start, pos);
          gtk_text_buffer_insert (self->buffer, &start, c->text, c->n_bytes);
          pos += c->count;
          break;

        case PP_OP_DELETE:
          gtk_text_buffer_get_iter_at_offset (self->buffer, &start, pos);
          gtk_text_buffer_get_iter_at_offset (self->buffer, &end, pos + c->count);
          gtk_text_buffer_delete (self->buffer, &start, &end);
          break;

        default:
          g_assert_not_reached ();
        }
    }
  self->applying = FALSE;
}

static void
get_selection_offsets (PairpadBufferBinding *self,
                       gint64               *insert,
                       gint64               *bound)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, gtk_text_buffer_get_insert (self->buffer));
  *insert = gtk_text_iter_get_offset (&iter);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter,
                                    gtk_text_buffer_get_selection_bound (self->buffer));
  *bound = gtk_text_iter_get_offset (&iter);
}

static void
set_selection_offsets (PairpadBufferBinding *self,
                       gint64                insert,
                       gint64                bound)
{
  GtkTextIter ins, bnd;

  gtk_text_buffer_get_iter_at_offset (self->buffer, &ins, insert);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &bnd, bound);
  gtk_text_buffer_select_range (self->buffer, &ins, &bnd);
}

/* Moves the stack's inverses past @op (which is based on the current
 * document), newest first; each step moves @op past that inverse too. */
static void
transform_stack (GPtrArray      *stack,
                 const PpTextOp *op)
{
  g_autoptr(PpTextOp) other = pp_text_op_ref ((PpTextOp *) op);

  for (guint i = stack->len; i > 0; i--)
    {
      PpTextOp *entry = g_ptr_array_index (stack, i - 1);
      PpTextOp *entry2 = pp_text_op_transform (entry, other, PP_SIDE_LEFT);
      PpTextOp *other2 = pp_text_op_transform (other, entry, PP_SIDE_RIGHT);

      g_ptr_array_index (stack, i - 1) = entry2;
      pp_text_op_unref (entry);
      pp_text_op_unref (other);
      other = other2;
    }
}

static void
on_remote_op (PairpadBufferBinding *self,
              PpTextOp             *op)
{
  gint64 insert, bound;

  get_selection_offsets (self, &insert, &bound);
  apply_to_buffer (self, op);
  set_selection_offsets (self,
                         pp_text_op_transform_position (op, insert, FALSE),
                         pp_text_op_transform_position (op, bound, FALSE));

  transform_stack (self->undo, op);
  transform_stack (self->redo, op);
  self->last_typing = FALSE;
}

static void
on_reset (PairpadBufferBinding *self,
          const char           *text)
{
  g_autofree char *current = NULL;
  GtkTextIter start, end;
  gint64 insert, bound;
  int length;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  current = gtk_text_buffer_get_text (self->buffer, &start, &end, TRUE);
  if (g_strcmp0 (current, text) == 0)
    return;

  get_selection_offsets (self, &insert, &bound);
  self->applying = TRUE;
  gtk_text_buffer_set_text (self->buffer, text, -1);
  self->applying = FALSE;
  length = gtk_text_buffer_get_char_count (self->buffer);
  set_selection_offsets (self, MIN (insert, length), MIN (bound, length));

  /* A new text: the old inverses no longer apply to anything. */
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  notify_stacks (self);
}

/* Takes ownership of nothing; @op is a local edit, @inverse its inverse. */
static void
local_edit (PairpadBufferBinding *self,
            PpTextOp             *op,
            PpTextOp             *inverse,
            gboolean              typing)
{
  g_autoptr(GError) error = NULL;

  if (!pp_client_session_local_op (self->session, op, &error))
    {
      /* The buffer and the session's document disagree: a bug here, never
       * network input, since remote ops reach the buffer only through us. */
      g_critical ("local edit refused: %s", error->message);
      return;
    }

  if (self->group == NULL)
    {
      self->group = pp_text_op_ref (inverse);
      self->group_typing = typing;
    }
  else
    {
      PpTextOp *composed = pp_text_op_compose (inverse, self->group);

      pp_text_op_unref (self->group);
      self->group = composed;
      self->group_typing = self->group_typing && typing;
    }

  if (self->user_action == 0)
    {
      /* An edit outside any user action (a program's): its own group. */
      PpTextOp *group = g_steal_pointer (&self->group);

      g_ptr_array_add (self->undo, group);
      g_ptr_array_set_size (self->redo, 0);
      self->last_typing = FALSE;
      notify_stacks (self);
    }
}

/* Stops an edit before the buffer's default handler makes it. */
static gboolean
refuse_if_read_only (PairpadBufferBinding *self,
                     const char           *signal)
{
  if (pp_client_session_can_edit (self->session))
    return FALSE;

  g_signal_stop_emission_by_name (self->buffer, signal);
  return TRUE;
}

static void
on_insert_text (PairpadBufferBinding *self,
                GtkTextIter          *location,
                const char           *text,
                int                   len)
{
  g_autoptr(PpTextOp) op = NULL;
  PpTextOpBuilder inverse_builder;
  g_autoptr(PpTextOp) inverse = NULL;
  gsize pos;

  if (self->applying || len == 0 || refuse_if_read_only (self, "insert-text"))
    return;

  pos = gtk_text_iter_get_offset (location);
  op = pp_text_op_new_insert (pos, text);
  pp_text_op_builder_init (&inverse_builder);
  pp_text_op_builder_skip (&inverse_builder, pos);
  pp_text_op_builder_delete_text (&inverse_builder, text, len);
  inverse = pp_text_op_builder_end (&inverse_builder);

  local_edit (self, op, inverse, memchr (text, '\n', len) == NULL);
}

static void
on_delete_range (PairpadBufferBinding *self,
                 GtkTextIter          *start,
                 GtkTextIter          *end)
{
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpTextOp) inverse = NULL;
  g_autofree char *text = NULL;
  gsize pos, count;

  if (self->applying || refuse_if_read_only (self, "delete-range"))
    return;

  gtk_text_iter_order (start, end);
  pos = gtk_text_iter_get_offset (start);
  count = gtk_text_iter_get_offset (end) - pos;
  if (count == 0)
    return;

  text = gtk_text_buffer_get_slice (self->buffer, start, end, TRUE);
  op = pp_text_op_new_delete (pos, count);
  inverse = pp_text_op_new_insert (pos, text);

  local_edit (self, op, inverse, FALSE);
}

static void
on_begin_user_action (PairpadBufferBinding *self)
{
  self->user_action++;
}

static void
on_end_user_action (PairpadBufferBinding *self)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(PpTextOp) group = NULL;

  if (self->user_action == 0 || --self->user_action > 0 || self->group == NULL)
    return;

  group = g_steal_pointer (&self->group);
  g_ptr_array_set_size (self->redo, 0);

  /* Typing within a second of the last typing undoes as one word. */
  if (self->last_typing && self->group_typing && self->undo->len > 0 &&
      now - self->last_push < MERGE_USEC)
    {
      PpTextOp *top = g_ptr_array_index (self->undo, self->undo->len - 1);

      g_ptr_array_index (self->undo, self->undo->len - 1) = pp_text_op_compose (group, top);
      pp_text_op_unref (top);
    }
  else
    {
      g_ptr_array_add (self->undo, g_steal_pointer (&group));
    }

  self->last_typing = self->group_typing;
  self->last_push = now;
  notify_stacks (self);
}

static void
on_mark_set (PairpadBufferBinding *self,
             const GtkTextIter    *location,
             GtkTextMark          *mark)
{
  gint64 insert, bound;
  PpRange range;

  if (self->applying ||
      (mark != gtk_text_buffer_get_insert (self->buffer) &&
       mark != gtk_text_buffer_get_selection_bound (self->buffer)))
    return;

  get_selection_offsets (self, &insert, &bound);
  range.anchor = bound;
  range.head = insert;
  pp_client_session_set_selection (self->session, &range, 1);
}

/* Pops @from, applies it, sends it, and pushes its inverse on @to. */
static gboolean
undo_or_redo (PairpadBufferBinding *self,
              GPtrArray            *from,
              GPtrArray            *to)
{
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpTextOp) invertible = NULL;
  g_autoptr(PpTextOp) inverse = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  gint64 caret;

  if (from->len == 0 || self->user_action > 0 || !pp_client_session_can_edit (self->session))
    return FALSE;

  op = g_ptr_array_steal_index (from, from->len - 1);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  text = gtk_text_buffer_get_text (self->buffer, &start, &end, TRUE);
  invertible = pp_text_op_make_invertible (op, text, &error);
  if (invertible == NULL || (inverse = pp_text_op_invert (invertible, &error)) == NULL)
    {
      g_critical ("undo entry does not fit the buffer: %s", error->message);
      return FALSE;
    }

  if (!pp_client_session_local_op (self->session, op, &error))
    {
      g_critical ("undo refused: %s", error->message);
      return FALSE;
    }

  /* The caret goes where the change ends, as in any editor (a normalized
   * op has no trailing skip). */
  caret = 0;
  for (guint i = 0; i < pp_text_op_get_n_components (op); i++)
    {
      const PpOpComponent *c = pp_text_op_get_component (op, i);

      if (c->kind != PP_OP_DELETE)
        caret += c->count;
    }

  apply_to_buffer (self, op);
  set_selection_offsets (self, caret, caret);
  g_ptr_array_add (to, g_steal_pointer (&inverse));
  self->last_typing = FALSE;
  notify_stacks (self);

  return TRUE;
}

static void
pairpad_buffer_binding_dispose (GObject *object)
{
  PairpadBufferBinding *self = (PairpadBufferBinding *)object;

  if (self->buffer != NULL)
    g_signal_handlers_disconnect_by_data (self->buffer, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->buffer);
  g_clear_object (&self->session);
  g_clear_pointer (&self->group, pp_text_op_unref);

  G_OBJECT_CLASS (pairpad_buffer_binding_parent_class)->dispose (object);
}

static void
pairpad_buffer_binding_finalize (GObject *object)
{
  PairpadBufferBinding *self = (PairpadBufferBinding *)object;

  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);

  G_OBJECT_CLASS (pairpad_buffer_binding_parent_class)->finalize (object);
}

static void
pairpad_buffer_binding_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  PairpadBufferBinding *self = PAIRPAD_BUFFER_BINDING (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, pairpad_buffer_binding_get_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, pairpad_buffer_binding_get_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pairpad_buffer_binding_class_init (PairpadBufferBindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pairpad_buffer_binding_dispose;
  object_class->finalize = pairpad_buffer_binding_finalize;
  object_class->get_property = pairpad_buffer_binding_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pairpad_buffer_binding_init (PairpadBufferBinding *self)
{
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_op_unref);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_op_unref);
}

/* The buffer should be empty or hold the session's text; the session's
 * reset replaces it at the first welcome either way. */
PairpadBufferBinding *
pairpad_buffer_binding_new (GtkTextBuffer   *buffer,
                            PpClientSession *session)
{
  PairpadBufferBinding *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (session), NULL);

  self = g_object_new (PAIRPAD_TYPE_BUFFER_BINDING, NULL);
  self->buffer = g_object_ref (buffer);
  self->session = g_object_ref (session);

  gtk_text_buffer_set_enable_undo (buffer, FALSE);
  text = pp_client_session_dup_text (session);
  on_reset (self, text);

  g_signal_connect_swapped (buffer, "insert-text", G_CALLBACK (on_insert_text), self);
  g_signal_connect_swapped (buffer, "delete-range", G_CALLBACK (on_delete_range), self);
  g_signal_connect_swapped (buffer, "begin-user-action", G_CALLBACK (on_begin_user_action), self);
  g_signal_connect_swapped (buffer, "end-user-action", G_CALLBACK (on_end_user_action), self);
  g_signal_connect_swapped (buffer, "mark-set", G_CALLBACK (on_mark_set), self);
  g_signal_connect_swapped (session, "remote-op", G_CALLBACK (on_remote_op), self);
  g_signal_connect_swapped (session, "reset", G_CALLBACK (on_reset), self);

  return self;
}

gboolean
pairpad_buffer_binding_undo (PairpadBufferBinding *self)
{
  g_return_val_if_fail (PAIRPAD_IS_BUFFER_BINDING (self), FALSE);

  return undo_or_redo (self, self->undo, self->redo);
}

gboolean
pairpad_buffer_binding_redo (PairpadBufferBinding *self)
{
  g_return_val_if_fail (PAIRPAD_IS_BUFFER_BINDING (self), FALSE);

  return undo_or_redo (self, self->redo, self->undo);
}

gboolean
pairpad_buffer_binding_get_can_undo (PairpadBufferBinding *self)
{
  g_return_val_if_fail (PAIRPAD_IS_BUFFER_BINDING (self), FALSE);

  return self->undo->len > 0;
}

gboolean
pairpad_buffer_binding_get_can_redo (PairpadBufferBinding *self)
{
  g_return_val_if_fail (PAIRPAD_IS_BUFFER_BINDING (self), FALSE);

  return self->redo->len > 0;
}

/* Replaces the whole text with @text (valid UTF-8) as one local op and one
 * undo step: a normal edit that everyone in the room sees. Fails with
 * G_IO_ERROR_NOT_INITIALIZED before the session joined its room, and with
 * G_IO_ERROR_PERMISSION_DENIED while it may not edit. */
gboolean
pairpad_buffer_binding_replace_text (PairpadBufferBinding  *self,
                                     const char            *text,
                                     GError               **error)
{
  PpTextOpBuilder builder;
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpTextOp) inverse = NULL;
  g_autofree char *old = NULL;
  GtkTextIter start, end;

  g_return_val_if_fail (PAIRPAD_IS_BUFFER_BINDING (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (self->user_action == 0, FALSE);

  if (!pp_utf8_validate_unicode (text, -1, error))
    return FALSE;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  old = gtk_text_buffer_get_text (self->buffer, &start, &end, TRUE);
  if (strcmp (old, text) == 0)
    return TRUE;

  pp_text_op_builder_init (&builder);
  pp_text_op_builder_delete_text (&builder, old, -1);
  pp_text_op_builder_insert (&builder, text, -1);
  op = pp_text_op_builder_end (&builder);

  pp_text_op_builder_init (&builder);
  pp_text_op_builder_delete_text (&builder, text, -1);
  pp_text_op_builder_insert (&builder, old, -1);
  inverse = pp_text_op_builder_end (&builder);

  if (!pp_client_session_local_op (self->session, op, error))
    return FALSE;

  apply_to_buffer (self, op);
  set_selection_offsets (self, 0, 0);
  g_ptr_array_add (self->undo, g_steal_pointer (&inverse));
  g_ptr_array_set_size (self->redo, 0);
  self->last_typing = FALSE;
  notify_stacks (self);

  return TRUE;
}
