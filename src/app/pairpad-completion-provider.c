/* pairpad-completion-provider.c: the daemon's completions in the room's editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-completion-provider"

#include "config.h"

#include <glib/gi18n.h>

#include "pairpad-completion-proposal.h"
#include "pairpad-completion-provider.h"

/* PairpadCompletionProvider asks the daemon (POST /api/v1/rooms/{id}/complete)
 * what may complete the word before the caret, and replaces that word with
 * the chosen item as one user action, which the buffer binding sends like
 * any typing. It owns the request in flight and a mark where the word
 * starts; it does not own the session, nor decide what is offered.
 *
 * Positions: the caret's offset counts code points, as the protocol does,
 * but it is in our own coordinates, which are the daemon's only while the
 * session has no unacknowledged edits. So a request waits (briefly) until
 * everything typed is acknowledged and then names the session's version:
 * the daemon answers for exactly the text we have. */

/* Typing keeps an edit in flight most of the time: wait this long for its
 * acknowledgement before offering nothing. */
#define WAIT_INTERVAL_MS 25
#define MAX_WAITS        80
#define MAX_ITEMS        20

struct _PairpadCompletionProvider
{
  GObject            parent_instance;

  /* Owned */
  PpClientSession   *session;
  PairpadRestClient *rest;
  GCancellable      *cancellable;   /* the request in flight */
  GtkTextMark       *word_start;    /* (nullable) of the word the last answer completes */
  char              *server;
  char              *room;
  char              *token;         /* (nullable) */
};

typedef struct
{
  GtkTextBuffer *buffer;
  GtkTextMark   *position;      /* (nullable) the caret, as sent */
  GCancellable  *cancellable;   /* the provider's, for this request */
  GCancellable  *outer;         /* (nullable) the completion's */
  gulong         outer_id;
  guint          n_waits;
} Request;

static void provider_iface_init (GtkSourceCompletionProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PairpadCompletionProvider, pairpad_completion_provider,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROVIDER,
                                                      provider_iface_init))

static void
delete_mark (GtkTextMark *mark)
{
  if (!gtk_text_mark_get_deleted (mark))
    gtk_text_buffer_delete_mark (gtk_text_mark_get_buffer (mark), mark);
  g_object_unref (mark);
}

static void
request_free (Request *r)
{
  if (r->outer != NULL)
    g_cancellable_disconnect (r->outer, r->outer_id);
  g_clear_object (&r->outer);
  g_clear_pointer (&r->position, delete_mark);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->buffer);
  g_free (r);
}

static void
cancel_request (GCancellable *outer,
                GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static const char *
kind_icon_name (PairpadCompletionKind kind)
{
  switch (kind)
    {
    case PAIRPAD_COMPLETION_KIND_KEYWORD:
      return "format-text-bold-symbolic";
    case PAIRPAD_COMPLETION_KIND_SNIPPET:
      return "insert-text-symbolic";
    case PAIRPAD_COMPLETION_KIND_WORD:
    default:
      return "text-x-generic-symbolic";
    }
}

static const char *
kind_label (PairpadCompletionKind kind)
{
  switch (kind)
    {
    case PAIRPAD_COMPLETION_KIND_KEYWORD:
      /* Translators: a completion that is a keyword of the room's language */
      return _("Keyword");
    case PAIRPAD_COMPLETION_KIND_SNIPPET:
      /* Translators: a completion that inserts a snippet of code */
      return _("Snippet");
    case PAIRPAD_COMPLETION_KIND_WORD:
    default:
      /* Translators: a completion that is a word found in the room's text */
      return _("Word");
    }
}

static GListModel *
empty_model (void)
{
  return G_LIST_MODEL (g_list_store_new (PAIRPAD_TYPE_COMPLETION_PROPOSAL));
}

static void
place_word_start (PairpadCompletionProvider *self,
                  GtkTextBuffer             *buffer,
                  const GtkTextIter         *iter)
{
  if (self->word_start != NULL && gtk_text_mark_get_buffer (self->word_start) != buffer)
    g_clear_pointer (&self->word_start, delete_mark);

  if (self->word_start == NULL)
    self->word_start = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, iter, TRUE));
  else
    gtk_text_buffer_move_mark (buffer, self->word_start, iter);
}

static GListModel *
parse_answer (PairpadCompletionProvider *self,
              Request                   *r,
              JsonNode                  *node)
{
  g_autoptr(GListStore) store = g_list_store_new (PAIRPAD_TYPE_COMPLETION_PROPOSAL);
  JsonNode *items = pairpad_rest_get_member (node, "items", JSON_TYPE_ARRAY);
  JsonNode *prefix = pairpad_rest_get_member (node, "prefix_length", G_TYPE_INT64);
  gint64 prefix_length = prefix != NULL ? json_node_get_int (prefix) : -1;
  GtkTextIter start;
  JsonArray *array;

  if (items == NULL || prefix_length < 0 || gtk_text_mark_get_deleted (r->position))
    return empty_model ();

  /* The word ends where the caret was; remote edits since moved the mark. */
  gtk_text_buffer_get_iter_at_mark (r->buffer, &start, r->position);
  gtk_text_iter_backward_chars (&start, (int) MIN (prefix_length, G_MAXINT));
  place_word_start (self, r->buffer, &start);

  array = json_node_get_array (items);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *label = pairpad_rest_get_string (item, "label");
      const char *insert = pairpad_rest_get_string (item, "insert");
      g_autoptr(PairpadCompletionProposal) proposal = NULL;
      PairpadCompletionKind kind;

      if (label == NULL || insert == NULL ||
          !pairpad_completion_kind_parse (pairpad_rest_get_string (item, "kind"), &kind))
        continue;

      proposal = pairpad_completion_proposal_new (label, insert, kind);
      g_list_store_append (store, proposal);
    }

  /* Refiltered as the word grows, without asking again. */
  return G_LIST_MODEL (gtk_filter_list_model_new (G_LIST_MODEL (g_steal_pointer (&store)), NULL));
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadCompletionProvider *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The task holds @self; a newer request makes this answer moot. */
  if (g_cancellable_is_cancelled (r->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
      return;
    }

  g_task_return_pointer (task, parse_answer (self, r, node), g_object_unref);
}

static void
send_request (GTask *task)
{
  PairpadCompletionProvider *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  GtkTextIter caret;

  gtk_text_buffer_get_iter_at_mark (r->buffer, &caret, gtk_text_buffer_get_insert (r->buffer));
  r->position = g_object_ref (gtk_text_buffer_create_mark (r->buffer, NULL, &caret, TRUE));

  json_object_set_int_member (object, "position", gtk_text_iter_get_offset (&caret));
  json_object_set_int_member (object, "v", pp_client_session_get_version (self->session));
  json_object_set_int_member (object, "max", MAX_ITEMS);
  body = json_node_init_object (json_node_alloc (), object);
  path = g_strdup_printf ("/api/v1/rooms/%s/complete", self->room);

  pairpad_rest_client_request_async (self->rest, self->server, "POST", path, body, self->token,
                                     r->cancellable, on_answer, task);
}

static gboolean
wait_for_acknowledgement (gpointer data)
{
  GTask *task = data;
  PairpadCompletionProvider *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (r->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
  else if (!pp_client_session_can_edit (self->session))
    g_task_return_pointer (task, empty_model (), g_object_unref);
  else if (pp_client_session_get_n_unsent (self->session) == 0)
    send_request (g_object_ref (task));
  else if (++r->n_waits >= MAX_WAITS)
    g_task_return_pointer (task, empty_model (), g_object_unref); /* offline, say */
  else
    return G_SOURCE_CONTINUE;

  return G_SOURCE_REMOVE;
}

static int
pairpad_completion_provider_get_priority (GtkSourceCompletionProvider *provider,
                                          GtkSourceCompletionContext  *context)
{
  return 100;
}

static char *
pairpad_completion_provider_get_title (GtkSourceCompletionProvider *provider)
{
  /* Translators: the heading of the completions that come from the room's server */
  return g_strdup (_("Room"));
}

static void
pairpad_completion_provider_populate_async (GtkSourceCompletionProvider *provider,
                                            GtkSourceCompletionContext  *context,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data)
{
  PairpadCompletionProvider *self = PAIRPAD_COMPLETION_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  Request *r;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_completion_provider_populate_async);

  /* Only the newest request counts. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (!pp_client_session_can_edit (self->session))
    {
      g_task_return_pointer (task, empty_model (), g_object_unref);
      return;
    }

  r = g_new0 (Request, 1);
  r->buffer = g_object_ref (GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context)));
  r->cancellable = g_object_ref (self->cancellable);
  if (cancellable != NULL)
    {
      r->outer = g_object_ref (cancellable);
      r->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_request),
                                           g_object_ref (r->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);

  if (pp_client_session_get_n_unsent (self->session) == 0)
    send_request (g_steal_pointer (&task));
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, WAIT_INTERVAL_MS, wait_for_acknowledgement,
                        g_steal_pointer (&task), g_object_unref);
}

static GListModel *
pairpad_completion_provider_populate_finish (GtkSourceCompletionProvider  *provider,
                                             GAsyncResult                 *result,
                                             GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
matches_word (gpointer item,
              gpointer data)
{
  const char *label = pairpad_completion_proposal_get_label (item);

  return gtk_source_completion_fuzzy_match (label, data, NULL);
}

static void
pairpad_completion_provider_refilter (GtkSourceCompletionProvider *provider,
                                      GtkSourceCompletionContext  *context,
                                      GListModel                  *model)
{
  g_autofree char *word = gtk_source_completion_context_get_word (context);
  g_autoptr(GtkCustomFilter) filter = NULL;

  if (!GTK_IS_FILTER_LIST_MODEL (model))
    return;

  filter = gtk_custom_filter_new (matches_word, g_utf8_casefold (word, -1), g_free);
  gtk_filter_list_model_set_filter (GTK_FILTER_LIST_MODEL (model), GTK_FILTER (filter));
}

static void
pairpad_completion_provider_display (GtkSourceCompletionProvider *provider,
                                     GtkSourceCompletionContext  *context,
                                     GtkSourceCompletionProposal *proposal,
                                     GtkSourceCompletionCell     *cell)
{
  PairpadCompletionProposal *item = PAIRPAD_COMPLETION_PROPOSAL (proposal);
  PairpadCompletionKind kind = pairpad_completion_proposal_get_kind (item);
  const char *label = pairpad_completion_proposal_get_label (item);
  const char *insert = pairpad_completion_proposal_get_insert (item);

  switch (gtk_source_completion_cell_get_column (cell))
    {
    case GTK_SOURCE_COMPLETION_COLUMN_ICON:
      gtk_source_completion_cell_set_icon_name (cell, kind_icon_name (kind));
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_TYPED_TEXT:
      {
        g_autofree char *word = gtk_source_completion_context_get_word (context);
        PangoAttrList *attrs = gtk_source_completion_fuzzy_highlight (label, word);

        gtk_source_completion_cell_set_text_with_attributes (cell, label, attrs);
        g_clear_pointer (&attrs, pango_attr_list_unref);
      }
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_COMMENT:
      gtk_source_completion_cell_set_text (cell, kind_label (kind));
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_DETAILS:
      /* A snippet's text is more than its name. */
      gtk_source_completion_cell_set_text (cell, g_strcmp0 (label, insert) != 0 ? insert : NULL);
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_BEFORE:
    case GTK_SOURCE_COMPLETION_COLUMN_AFTER:
    default:
      gtk_source_completion_cell_set_text (cell, NULL);
      break;
    }
}

static void
pairpad_completion_provider_activate (GtkSourceCompletionProvider *provider,
                                      GtkSourceCompletionContext  *context,
                                      GtkSourceCompletionProposal *proposal)
{
  PairpadCompletionProvider *self = PAIRPAD_COMPLETION_PROVIDER (provider);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
  PairpadCompletionProposal *item = PAIRPAD_COMPLETION_PROPOSAL (proposal);
  GtkTextIter start, caret;

  if (!pp_client_session_can_edit (self->session))
    return;

  gtk_text_buffer_get_iter_at_mark (buffer, &caret, gtk_text_buffer_get_insert (buffer));
  start = caret;
  /* The word typed so far, unless the caret left it meanwhile. */
  if (self->word_start != NULL && gtk_text_mark_get_buffer (self->word_start) == buffer)
    {
      gtk_text_buffer_get_iter_at_mark (buffer, &start, self->word_start);
      if (gtk_text_iter_compare (&start, &caret) > 0 ||
          gtk_text_iter_get_line (&start) != gtk_text_iter_get_line (&caret))
        start = caret;
    }

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &caret);
  gtk_text_buffer_insert (buffer, &start, pairpad_completion_proposal_get_insert (item), -1);
  gtk_text_buffer_end_user_action (buffer);
}

static void
provider_iface_init (GtkSourceCompletionProviderInterface *iface)
{
  iface->get_title = pairpad_completion_provider_get_title;
  iface->get_priority = pairpad_completion_provider_get_priority;
  iface->populate_async = pairpad_completion_provider_populate_async;
  iface->populate_finish = pairpad_completion_provider_populate_finish;
  iface->refilter = pairpad_completion_provider_refilter;
  iface->display = pairpad_completion_provider_display;
  iface->activate = pairpad_completion_provider_activate;
}

static void
pairpad_completion_provider_dispose (GObject *object)
{
  PairpadCompletionProvider *self = (PairpadCompletionProvider *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->word_start, delete_mark);
  g_clear_object (&self->session);
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (pairpad_completion_provider_parent_class)->dispose (object);
}

static void
pairpad_completion_provider_finalize (GObject *object)
{
  PairpadCompletionProvider *self = (PairpadCompletionProvider *)object;

  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (pairpad_completion_provider_parent_class)->finalize (object);
}

static void
pairpad_completion_provider_class_init (PairpadCompletionProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pairpad_completion_provider_dispose;
  object_class->finalize = pairpad_completion_provider_finalize;
}

static void
pairpad_completion_provider_init (PairpadCompletionProvider *self)
{
  self->cancellable = g_cancellable_new ();
}

PairpadCompletionProvider *
pairpad_completion_provider_new (PpClientSession   *session,
                                 PairpadRestClient *rest,
                                 const char        *server,
                                 const char        *room)
{
  PairpadCompletionProvider *self;

  g_return_val_if_fail (PP_IS_CLIENT_SESSION (session), NULL);
  g_return_val_if_fail (PAIRPAD_IS_REST_CLIENT (rest), NULL);
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (room != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_COMPLETION_PROVIDER, NULL);
  self->session = g_object_ref (session);
  self->rest = g_object_ref (rest);
  self->server = g_strdup (server);
  self->room = g_strdup (room);

  return self;
}

/* @token (nullable): the owner key or share link token the room was joined
 * with, sent as bearer token with every request. */
void
pairpad_completion_provider_set_token (PairpadCompletionProvider *self,
                                       const char                *token)
{
  g_return_if_fail (PAIRPAD_IS_COMPLETION_PROVIDER (self));

  g_free (self->token);
  self->token = g_strdup (token);
}
