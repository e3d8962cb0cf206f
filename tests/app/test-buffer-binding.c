/* test-buffer-binding.c: PairpadBufferBinding between a real GtkSourceBuffer and a PpClientSession fed frames by the test.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-buffer-binding"

#include "config.h"

#include <string.h>

#include <gtksourceview/gtksource.h>
#include <pairpad.h>

#include "pairpad-buffer-binding.h"

/* The test plays the server: it answers hello with a welcome, sends other
 * people's ops as log entries and acknowledges ours. Offsets are code
 * points; the text has an emoji (one code point, four bytes, two UTF-16
 * units) before the caret so byte or UTF-16 counting would show. */

#define INITIAL_TEXT "a😀bc\n"

typedef struct
{
  GtkTextBuffer        *buffer;
  PpClientSession      *session;
  PairpadBufferBinding *binding;
  GPtrArray            *sent;      /* char *, frames the session sent */
  gint64                version;
  gint64                other_seq;
} Fixture;

static void
on_send_frame (Fixture    *f,
               const char *frame)
{
  g_ptr_array_add (f->sent, g_strdup (frame));
}

static void
receive (Fixture   *f,
         PpMessage *msg)
{
  g_autoptr(GError) error = NULL;
  gsize n_bytes;
  g_autofree char *frame = pp_message_to_json (msg, &n_bytes);

  pp_client_session_receive (f->session, frame, n_bytes, &error);
  g_assert_no_error (error);
}

/* Someone else's @op at the current version: a log entry, as the room sends it. */
static void
receive_remote (Fixture  *f,
                PpTextOp *op)
{
  g_autoptr(PpLogEntry) entry = NULL;
  g_autoptr(PpMessage) msg = NULL;

  entry = pp_log_entry_new (++f->version, op, "u2", "other-client", ++f->other_seq, "Other", 0);
  msg = pp_message_new_server_op (entry);
  receive (f, msg);
}

/* The session also sends presence frames (our caret); these look at ops only. */
static PpMessage *
parse_sent (Fixture *f,
            guint    index)
{
  const char *frame = g_ptr_array_index (f->sent, index);
  g_autoptr(GError) error = NULL;
  PpProtocolLimits limits;
  PpMessage *msg;

  pp_protocol_limits_init_default (&limits);
  msg = pp_message_parse (frame, strlen (frame), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_no_error (error);

  return msg;
}

static guint
count_sent_ops (Fixture *f)
{
  guint n = 0;

  for (guint i = 0; i < f->sent->len; i++)
    {
      g_autoptr(PpMessage) msg = parse_sent (f, i);

      n += msg->type == PP_MESSAGE_OP;
    }

  return n;
}

/* The op of the last op frame the session sent. */
static PpTextOp *
last_sent_op (Fixture *f,
              gint64  *seq)
{
  for (guint i = f->sent->len; i > 0; i--)
    {
      g_autoptr(PpMessage) msg = parse_sent (f, i - 1);

      if (msg->type != PP_MESSAGE_OP)
        continue;
      if (seq != NULL)
        *seq = msg->seq;
      return pp_text_op_ref (msg->op);
    }

  g_assert_not_reached ();
}

static void
ack_last (Fixture *f)
{
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpMessage) ack = NULL;
  gint64 seq;

  op = last_sent_op (f, &seq);
  ack = pp_message_new_ack (seq, ++f->version);
  receive (f, ack);
}

static char *
dup_buffer_text (Fixture *f)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (f->buffer, &start, &end);
  return gtk_text_buffer_get_text (f->buffer, &start, &end, TRUE);
}

static int
get_caret (Fixture *f)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (f->buffer, &iter, gtk_text_buffer_get_insert (f->buffer));
  return gtk_text_iter_get_offset (&iter);
}

static gunichar
get_char_after_caret (Fixture *f)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (f->buffer, &iter, gtk_text_buffer_get_insert (f->buffer));
  return gtk_text_iter_get_char (&iter);
}

static void
place_caret (Fixture *f,
             int      offset)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (f->buffer, &iter, offset);
  gtk_text_buffer_place_cursor (f->buffer, &iter);
}

/* Types @text at @offset as the user would: inside a user action. */
static void
type_at (Fixture    *f,
         int         offset,
         const char *text)
{
  GtkTextIter iter;

  gtk_text_buffer_begin_user_action (f->buffer);
  gtk_text_buffer_get_iter_at_offset (f->buffer, &iter, offset);
  gtk_text_buffer_insert (f->buffer, &iter, text, -1);
  gtk_text_buffer_end_user_action (f->buffer);
}

static void
assert_in_sync (Fixture    *f,
                const char *expected)
{
  g_autofree char *text = dup_buffer_text (f);
  g_autofree char *session_text = pp_client_session_dup_text (f->session);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (session_text, ==, expected);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
  g_autoptr(PpMessage) welcome = NULL;

  if (!gtk_init_check ())
    {
      g_test_skip ("needs a display");
      return;
    }

  f->sent = g_ptr_array_new_with_free_func (g_free);
  f->buffer = GTK_TEXT_BUFFER (gtk_source_buffer_new (NULL));
  f->session = pp_client_session_new ("test-client", "Me", NULL);
  g_signal_connect_swapped (f->session, "send-frame", G_CALLBACK (on_send_frame), f);
  f->binding = pairpad_buffer_binding_new (f->buffer, f->session);

  pp_client_session_connected (f->session);
  f->version = 7;
  g_ptr_array_add (users, pp_user_info_new ("u2", "other-client", "Other", "#336699", f->version));
  welcome = pp_message_new_welcome ("u1", f->version, "python", "Notes", users, INITIAL_TEXT, NULL);
  receive (f, welcome);
  g_assert_cmpint (pp_client_session_get_state (f->session), ==, PP_CLIENT_SESSION_SYNCED);
  assert_in_sync (f, INITIAL_TEXT);
  g_ptr_array_set_size (f->sent, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->binding);
  g_clear_object (&f->session);
  g_clear_object (&f->buffer);
  g_clear_pointer (&f->sent, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  const char *path;
  gsize       insert_at;      /* remote insert of "XY" */
  int         caret_after;    /* code point offset */
  gunichar    char_after;     /* the character right of the caret */
} CaretCase;

/* Caret at 2, between "😀" and "b". */
static const CaretCase caret_cases[] = {
  { "/pairpad/buffer-binding/remote-insert/before-caret", 0, 4, 'b' },
  { "/pairpad/buffer-binding/remote-insert/before-caret-after-emoji", 1, 4, 'b' },
  /* ot-text-unicode's rule: an insert right at our caret goes after it, so
   * two people typing at one spot do not interleave (TOOLCHAIN.md pitfall 25). */
  { "/pairpad/buffer-binding/remote-insert/at-caret", 2, 2, 'X' },
  { "/pairpad/buffer-binding/remote-insert/after-caret", 3, 2, 'b' },
};

static void
test_remote_insert_caret (Fixture       *f,
                          gconstpointer  data)
{
  const CaretCase *c = data;
  g_autoptr(PpTextOp) op = NULL;
  g_autofree char *expected = NULL;
  const char *at;

  if (g_test_failed () || f->buffer == NULL)
    return;

  place_caret (f, 2);
  op = pp_text_op_new_insert (c->insert_at, "XY");
  receive_remote (f, op);

  at = g_utf8_offset_to_pointer (INITIAL_TEXT, c->insert_at);
  expected = g_strdup_printf ("%.*sXY%s", (int) (at - INITIAL_TEXT), INITIAL_TEXT, at);
  assert_in_sync (f, expected);
  g_assert_cmpint (get_caret (f), ==, c->caret_after);
  g_assert_cmpint (get_char_after_caret (f), ==, c->char_after);
  /* A remote edit is not ours: nothing sent, nothing to undo. */
  g_assert_cmpuint (count_sent_ops (f), ==, 0);
  g_assert_false (pairpad_buffer_binding_get_can_undo (f->binding));
}

static void
test_remote_delete_around_caret (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(PpTextOp) op = NULL;

  if (g_test_failed () || f->buffer == NULL)
    return;

  /* Deleting "😀b" (1..3) with the caret at 2: the caret goes to the start
   * of the deleted span, before "c". */
  place_caret (f, 2);
  op = pp_text_op_new_delete (1, 2);
  receive_remote (f, op);
  assert_in_sync (f, "ac\n");
  g_assert_cmpint (get_caret (f), ==, 1);
  g_assert_cmpint (get_char_after_caret (f), ==, 'c');
}

static void
test_local_edits_become_ops (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpTextOp) expected = NULL;
  GtkTextIter start, end;

  if (g_test_failed () || f->buffer == NULL)
    return;

  /* An insert after the emoji: offset 2 in code points (3 in UTF-16, 5 in bytes). */
  type_at (f, 2, "Z");
  assert_in_sync (f, "a😀Zbc\n");
  op = last_sent_op (f, NULL);
  expected = pp_text_op_new_insert (2, "Z");
  g_assert_true (pp_text_op_equal (op, expected));
  ack_last (f);
  g_clear_pointer (&op, pp_text_op_unref);
  g_clear_pointer (&expected, pp_text_op_unref);

  /* A delete of the emoji and "Z": two code points. */
  gtk_text_buffer_begin_user_action (f->buffer);
  gtk_text_buffer_get_iter_at_offset (f->buffer, &start, 1);
  gtk_text_buffer_get_iter_at_offset (f->buffer, &end, 3);
  gtk_text_buffer_delete (f->buffer, &start, &end);
  gtk_text_buffer_end_user_action (f->buffer);
  assert_in_sync (f, "abc\n");
  op = last_sent_op (f, NULL);
  expected = pp_text_op_new_delete (1, 2);
  g_assert_true (pp_text_op_equal (op, expected));
  ack_last (f);
  g_assert_cmpint (pp_client_session_get_state (f->session), ==, PP_CLIENT_SESSION_SYNCED);
}

static void
test_undo_after_remote (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PpTextOp) remote = NULL;

  if (g_test_failed () || f->buffer == NULL)
    return;

  type_at (f, 4, "!");
  assert_in_sync (f, "a😀bc!\n");
  ack_last (f);

  /* Someone else edits before and after our "!". */
  remote = pp_text_op_new_insert (0, "# ");
  receive_remote (f, remote);
  g_clear_pointer (&remote, pp_text_op_unref);
  remote = pp_text_op_new_insert (8, "tail");
  receive_remote (f, remote);
  assert_in_sync (f, "# a😀bc!\ntail");

  /* Undo takes back only our "!", where it is now. */
  g_assert_true (pairpad_buffer_binding_get_can_undo (f->binding));
  g_assert_true (pairpad_buffer_binding_undo (f->binding));
  assert_in_sync (f, "# a😀bc\ntail");
  g_assert_false (pairpad_buffer_binding_get_can_undo (f->binding));
  ack_last (f);

  /* Redo puts it back. */
  g_assert_true (pairpad_buffer_binding_redo (f->binding));
  assert_in_sync (f, "# a😀bc!\ntail");
}

static void
test_replace_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTextOp) op = NULL;
  guint n_sent;

  if (g_test_failed () || f->buffer == NULL)
    return;

  /* One op, one undo step, as when a file is opened into the room. */
  pairpad_buffer_binding_replace_text (f->binding, "from a file 🎉\n", &error);
  g_assert_no_error (error);
  assert_in_sync (f, "from a file 🎉\n");
  g_assert_cmpuint (count_sent_ops (f), ==, 1);
  op = last_sent_op (f, NULL);
  g_assert_cmpuint (pp_text_op_get_n_components (op), ==, 2);
  ack_last (f);
  n_sent = count_sent_ops (f);

  g_assert_true (pairpad_buffer_binding_undo (f->binding));
  assert_in_sync (f, INITIAL_TEXT);
  g_assert_cmpuint (count_sent_ops (f), ==, n_sent + 1);
  g_assert_false (pairpad_buffer_binding_get_can_undo (f->binding));
}

/* Made a viewer (or the room locked) while it has something to undo: the
 * buffer takes no edit, from a program either, and nothing is sent; once
 * it may edit again, edits and undo work as before. */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GHashTable) roles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(PpMessage) view_only = NULL;
  g_autoptr(PpMessage) edit = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextIter start, end;
  guint n_sent;

  if (g_test_failed () || f->buffer == NULL)
    return;

  type_at (f, 0, "# ");
  ack_last (f);
  n_sent = count_sent_ops (f);

  view_only = pp_message_new_access (PP_ROLE_VIEWER, PP_GENERAL_ACCESS_VIEW, FALSE, roles);
  receive (f, view_only);
  g_assert_false (pp_client_session_can_edit (f->session));

  type_at (f, 0, "typed");
  gtk_text_buffer_get_bounds (f->buffer, &start, &end);
  gtk_text_buffer_delete (f->buffer, &start, &end);
  g_assert_false (pairpad_buffer_binding_undo (f->binding));
  g_assert_false (pairpad_buffer_binding_replace_text (f->binding, "file", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  assert_in_sync (f, "# " INITIAL_TEXT);
  g_assert_cmpuint (count_sent_ops (f), ==, n_sent);

  edit = pp_message_new_access (PP_ROLE_EDITOR, PP_GENERAL_ACCESS_EDIT, FALSE, roles);
  receive (f, edit);
  type_at (f, 2, "!");
  assert_in_sync (f, "# !" INITIAL_TEXT);
  g_assert_cmpuint (count_sent_ops (f), ==, n_sent + 1);
}

int
main (int   argc,
      char *argv[])
{
  /* Not ISOLATE_DIRS: nothing here reads XDG dirs (GSettings is the memory
   * backend), and GLib leaks the old dirs on each per-test switch. */
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (caret_cases); i++)
    g_test_add (caret_cases[i].path, Fixture, &caret_cases[i],
                fixture_setup, test_remote_insert_caret, fixture_teardown);
  g_test_add ("/pairpad/buffer-binding/remote-delete/around-caret", Fixture, NULL,
              fixture_setup, test_remote_delete_around_caret, fixture_teardown);
  g_test_add ("/pairpad/buffer-binding/local/ops", Fixture, NULL,
              fixture_setup, test_local_edits_become_ops, fixture_teardown);
  g_test_add ("/pairpad/buffer-binding/undo/after-remote", Fixture, NULL,
              fixture_setup, test_undo_after_remote, fixture_teardown);
  g_test_add ("/pairpad/buffer-binding/replace-text", Fixture, NULL,
              fixture_setup, test_replace_text, fixture_teardown);
  g_test_add ("/pairpad/buffer-binding/read-only", Fixture, NULL,
              fixture_setup, test_read_only, fixture_teardown);

  return g_test_run ();
}
