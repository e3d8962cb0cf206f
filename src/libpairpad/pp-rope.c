/* pp-rope.c: a balanced tree of UTF-8 chunks; edits cost O(log n) in the text size.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-rope"

#include "config.h"

#include <string.h>

#include "pp-rope.h"
#include "pp-rope-private.h"

/* A rope in the sense of Boehm, Atkinson and Plass, "Ropes: an alternative to
 * strings" (1995): the text is cut into chunks of at most CHUNK_MAX_BYTES of
 * UTF-8, never inside a sequence, and the chunks hang in order in an AVL tree.
 * Every node carries one chunk plus the byte and code point totals of its
 * subtree, so finding a position walks one root-to-node path: O(log n).
 *
 * AVL rather than a treap or a B-tree: the height bound is deterministic
 * (at most 1.44 log2 n, so recursion stays shallow), and with the join-based
 * split/join of Blelloch, Ferizovic and Sun, "Just Join for Parallel Ordered
 * Sets" (2016), every structural edit is split + rebuild + join in a few
 * dozen lines. GtkTextBTree takes the B-tree route, which pays off on disk
 * or with per-line data, neither of which we have.
 *
 * Edits that stay inside one chunk (typing, deleting a few characters) change
 * that chunk in place and patch the totals along the path. Anything else
 * splits the tree at the edit, re-chunks the text around the seam together
 * with the inserted text, and joins the pieces back. That re-chunking keeps
 * the invariant that makes the tree not degrade under single-character
 * edits: a rope of two or more chunks has every chunk between
 * CHUNK_MIN_BYTES and CHUNK_MAX_BYTES, so n bytes use at most
 * n / CHUNK_MIN_BYTES chunks. */

#define CHUNK_MAX_BYTES    2048
#define CHUNK_MIN_BYTES    (CHUNK_MAX_BYTES / 4)
/* Fresh chunks are cut near this size (plus up to 3 bytes to finish a UTF-8
 * sequence), which leaves room for in-place inserts. With two or more
 * chunks each is at least about CHUNK_TARGET_BYTES / 2 > CHUNK_MIN_BYTES. */
#define CHUNK_TARGET_BYTES (CHUNK_MAX_BYTES * 3 / 4)
/* An AVL tree of height 64 holds more than 2^44 nodes. */
#define MAX_HEIGHT         64

typedef struct _PpRopeNode PpRopeNode;

struct _PpRopeNode
{
  PpRopeNode *left;
  PpRopeNode *right;

  /* This node's chunk: UTF-8 cut on sequence boundaries, not NUL-terminated. */
  char       *data;
  guint       data_bytes;
  guint       data_chars;
  guint       data_capacity;
  int         height;

  /* Totals of the subtree rooted here, this node's chunk included. */
  gsize       n_bytes;
  gsize       n_chars;
};

struct _PpRope
{
  PpRopeNode *root;
};

typedef gboolean (*ChunkFunc) (const char *data,
                               gsize       n_bytes,
                               gpointer    user_data);

static inline gboolean
is_continuation (char c)
{
  return ((guchar) c & 0xC0) == 0x80;
}

/* Not g_utf8_strlen(), which stops at an embedded NUL. */
static gsize
utf8_count_chars (const char *text,
                  gsize       n_bytes)
{
  gsize n_chars = 0;
  gsize i;

  for (i = 0; i < n_bytes; i++)
    n_chars += !is_continuation (text[i]);

  return n_chars;
}

/* Byte index of code point @offset in @text (n_chars long); @offset may be n_chars. */
static gsize
utf8_char_to_byte (const char *text,
                   gsize       n_bytes,
                   gsize       n_chars,
                   gsize       offset)
{
  gsize seen = 0;
  gsize i;

  if (n_bytes == n_chars)
    return offset;
  if (offset >= n_chars)
    return n_bytes;

  for (i = 0; i < n_bytes; i++)
    {
      if (is_continuation (text[i]))
        continue;
      if (seen == offset)
        return i;
      seen++;
    }

  return n_bytes;
}

static inline int
node_height (const PpRopeNode *node)
{
  return node != NULL ? node->height : 0;
}

static inline gsize
node_chars (const PpRopeNode *node)
{
  return node != NULL ? node->n_chars : 0;
}

static inline gsize
node_bytes (const PpRopeNode *node)
{
  return node != NULL ? node->n_bytes : 0;
}

static void
node_update (PpRopeNode *node)
{
  node->height = 1 + MAX (node_height (node->left), node_height (node->right));
  node->n_bytes = node_bytes (node->left) + node->data_bytes + node_bytes (node->right);
  node->n_chars = node_chars (node->left) + node->data_chars + node_chars (node->right);
}

static PpRopeNode *
node_new (const char *data,
          gsize       n_bytes)
{
  PpRopeNode *node = g_new0 (PpRopeNode, 1);

  g_assert (n_bytes > 0 && n_bytes <= CHUNK_MAX_BYTES);

  node->data = g_malloc (n_bytes);
  memcpy (node->data, data, n_bytes);
  node->data_bytes = n_bytes;
  node->data_chars = utf8_count_chars (data, n_bytes);
  node->data_capacity = n_bytes;
  node_update (node);

  return node;
}

static void
node_free (PpRopeNode *node)
{
  g_free (node->data);
  g_free (node);
}

static void
node_free_tree (PpRopeNode *node)
{
  if (node == NULL)
    return;

  node_free_tree (node->left);
  node_free_tree (node->right);
  node_free (node);
}

static PpRopeNode *
node_copy_tree (const PpRopeNode *node)
{
  PpRopeNode *copy;

  if (node == NULL)
    return NULL;

  copy = g_new (PpRopeNode, 1);
  *copy = *node;
  copy->data = g_memdup2 (node->data, node->data_bytes);
  copy->data_capacity = node->data_bytes;
  copy->left = node_copy_tree (node->left);
  copy->right = node_copy_tree (node->right);

  return copy;
}

static PpRopeNode *
rotate_right (PpRopeNode *node)
{
  PpRopeNode *pivot = node->left;

  node->left = pivot->right;
  pivot->right = node;
  node_update (node);
  node_update (pivot);

  return pivot;
}

static PpRopeNode *
rotate_left (PpRopeNode *node)
{
  PpRopeNode *pivot = node->right;

  node->right = pivot->left;
  pivot->left = node;
  node_update (node);
  node_update (pivot);

  return pivot;
}

/* Restores the AVL balance of @node after one child's height changed by at
 * most one (the deletion variant: a balanced heavy child takes a single
 * rotation, which join needs too). Returns the new subtree root. */
static PpRopeNode *
rebalance (PpRopeNode *node)
{
  int balance;

  node_update (node);
  balance = node_height (node->left) - node_height (node->right);

  if (balance > 1)
    {
      if (node_height (node->left->left) < node_height (node->left->right))
        node->left = rotate_left (node->left);
      return rotate_right (node);
    }
  else if (balance < -1)
    {
      if (node_height (node->right->right) < node_height (node->right->left))
        node->right = rotate_right (node->right);
      return rotate_left (node);
    }

  return node;
}

/* Concatenates @left, the single node @middle and @right, whose heights may
 * differ arbitrarily, in O(|height difference|). Takes ownership of all three. */
static PpRopeNode *
join (PpRopeNode *left,
      PpRopeNode *middle,
      PpRopeNode *right)
{
  if (node_height (left) > node_height (right) + 1)
    {
      left->right = join (left->right, middle, right);
      return rebalance (left);
    }

  if (node_height (right) > node_height (left) + 1)
    {
      right->left = join (left, middle, right->left);
      return rebalance (right);
    }

  middle->left = left;
  middle->right = right;
  node_update (middle);

  return middle;
}

/* Detaches the last node of @node into @out_last and returns what remains. */
static PpRopeNode *
remove_last (PpRopeNode  *node,
             PpRopeNode **out_last)
{
  PpRopeNode *rest;

  if (node->right == NULL)
    {
      rest = node->left;
      node->left = NULL;
      node_update (node);
      *out_last = node;
      return rest;
    }

  node->right = remove_last (node->right, out_last);

  return rebalance (node);
}

static PpRopeNode *
remove_first (PpRopeNode  *node,
              PpRopeNode **out_first)
{
  PpRopeNode *rest;

  if (node->left == NULL)
    {
      rest = node->right;
      node->right = NULL;
      node_update (node);
      *out_first = node;
      return rest;
    }

  node->left = remove_first (node->left, out_first);

  return rebalance (node);
}

static PpRopeNode *
join2 (PpRopeNode *left,
       PpRopeNode *right)
{
  PpRopeNode *last = NULL;

  if (left == NULL)
    return right;
  if (right == NULL)
    return left;

  left = remove_last (left, &last);

  return join (left, last, right);
}

/* Cuts @node into the first @pos code points and the rest, splitting the
 * chunk that straddles @pos. Takes ownership of @node. */
static void
split (PpRopeNode  *node,
       gsize        pos,
       PpRopeNode **out_left,
       PpRopeNode **out_right)
{
  PpRopeNode *left;
  PpRopeNode *right;
  PpRopeNode *rest = NULL;
  gsize left_chars;

  if (node == NULL)
    {
      *out_left = NULL;
      *out_right = NULL;
      return;
    }

  left = node->left;
  right = node->right;
  left_chars = node_chars (left);
  node->left = NULL;
  node->right = NULL;

  if (pos <= left_chars)
    {
      split (left, pos, out_left, &rest);
      *out_right = join (rest, node, right);
    }
  else if (pos >= left_chars + node->data_chars)
    {
      split (right, pos - left_chars - node->data_chars, &rest, out_right);
      *out_left = join (left, node, rest);
    }
  else
    {
      gsize offset = utf8_char_to_byte (node->data, node->data_bytes, node->data_chars,
                                        pos - left_chars);
      PpRopeNode *tail = node_new (node->data + offset, node->data_bytes - offset);

      node->data_bytes = offset;
      node->data_chars = pos - left_chars;
      *out_left = join (left, node, NULL);
      *out_right = join (NULL, tail, right);
    }
}

static PpRopeNode *
build_balanced (PpRopeNode **nodes,
                gsize        n_nodes)
{
  PpRopeNode *node;
  gsize mid;

  if (n_nodes == 0)
    return NULL;

  mid = n_nodes / 2;
  node = nodes[mid];
  node->left = build_balanced (nodes, mid);
  node->right = build_balanced (nodes + mid + 1, n_nodes - mid - 1);
  node_update (node);

  return node;
}

/* Cuts @text into chunks of about CHUNK_TARGET_BYTES and builds a perfectly
 * balanced tree of them in O(n). The chunks are spread evenly, so when there
 * are two or more none is below CHUNK_MIN_BYTES. */
static PpRopeNode *
build_tree (const char *text,
            gsize       n_bytes)
{
  g_autofree PpRopeNode **nodes = NULL;
  gsize n_chunks;
  gsize n_built = 0;

  if (n_bytes == 0)
    return NULL;

  n_chunks = (n_bytes + CHUNK_TARGET_BYTES - 1) / CHUNK_TARGET_BYTES;
  nodes = g_new (PpRopeNode *, n_chunks);

  while (n_bytes > 0)
    {
      gsize size = (n_bytes + (n_chunks - n_built) - 1) / (n_chunks - n_built);

      while (size < n_bytes && is_continuation (text[size]))
        size++;

      g_assert (n_built < n_chunks);
      nodes[n_built++] = node_new (text, size);
      text += size;
      n_bytes -= size;
    }

  return build_balanced (nodes, n_built);
}

/* Calls @func on the pieces of text in [start, end), in order, until it
 * returns FALSE. O(log n + pieces). */
static gboolean
foreach_chunk (const PpRopeNode *node,
               gsize             start,
               gsize             end,
               ChunkFunc         func,
               gpointer          user_data)
{
  gsize left_chars;
  gsize chunk_end;

  if (node == NULL || start >= end)
    return TRUE;

  left_chars = node_chars (node->left);
  chunk_end = left_chars + node->data_chars;

  if (start < left_chars &&
      !foreach_chunk (node->left, start, MIN (end, left_chars), func, user_data))
    return FALSE;

  if (start < chunk_end && end > left_chars)
    {
      gsize from = start > left_chars ? start - left_chars : 0;
      gsize to = MIN (end, chunk_end) - left_chars;
      gsize byte_from = utf8_char_to_byte (node->data, node->data_bytes, node->data_chars, from);
      gsize byte_to = byte_from + utf8_char_to_byte (node->data + byte_from,
                                                     node->data_bytes - byte_from,
                                                     node->data_chars - from, to - from);

      if (!func (node->data + byte_from, byte_to - byte_from, user_data))
        return FALSE;
    }

  if (end > chunk_end)
    return foreach_chunk (node->right,
                          start > chunk_end ? start - chunk_end : 0,
                          end - chunk_end,
                          func, user_data);

  return TRUE;
}

/* Byte offset of code point @pos in the text of @node; @pos may be its length. */
static gsize
char_to_byte (const PpRopeNode *node,
              gsize             pos)
{
  gsize bytes = 0;

  while (node != NULL)
    {
      gsize left_chars = node_chars (node->left);

      if (pos < left_chars)
        {
          node = node->left;
        }
      else if (pos <= left_chars + node->data_chars)
        {
          return bytes + node_bytes (node->left) +
                 utf8_char_to_byte (node->data, node->data_bytes, node->data_chars,
                                    pos - left_chars);
        }
      else
        {
          pos -= left_chars + node->data_chars;
          bytes += node_bytes (node->left) + node->data_bytes;
          node = node->right;
        }
    }

  return bytes;
}

static gboolean
copy_chunk_cb (const char *data,
               gsize       n_bytes,
               gpointer    user_data)
{
  char **out = user_data;

  memcpy (*out, data, n_bytes);
  *out += n_bytes;

  return TRUE;
}

typedef struct
{
  const char *text;
  gsize       n_bytes;
  gsize       offset;
} CompareState;

static gboolean
compare_chunk_cb (const char *data,
                  gsize       n_bytes,
                  gpointer    user_data)
{
  CompareState *state = user_data;

  if (n_bytes > state->n_bytes - state->offset ||
      memcmp (state->text + state->offset, data, n_bytes) != 0)
    return FALSE;

  state->offset += n_bytes;

  return TRUE;
}

/* Inserts into the chunk holding @pos when the result fits in one chunk;
 * patches the totals on the path. Returns FALSE, changing nothing, otherwise. */
static gboolean
insert_in_place (PpRope     *self,
                 gsize       pos,
                 const char *text,
                 gsize       n_bytes,
                 gsize       n_chars)
{
  PpRopeNode *path[MAX_HEIGHT];
  PpRopeNode *node = self->root;
  guint depth = 0;
  gsize offset;
  guint i;

  while (node != NULL)
    {
      gsize left_chars = node_chars (node->left);

      g_assert (depth < MAX_HEIGHT);
      path[depth++] = node;

      /* At a chunk boundary, append to the earlier chunk. */
      if (pos <= left_chars && node->left != NULL)
        {
          node = node->left;
        }
      else if (pos <= left_chars + node->data_chars)
        {
          break;
        }
      else
        {
          pos -= left_chars + node->data_chars;
          node = node->right;
        }
    }

  if (node == NULL || node->data_bytes + n_bytes > CHUNK_MAX_BYTES)
    return FALSE;

  offset = utf8_char_to_byte (node->data, node->data_bytes, node->data_chars,
                              pos - node_chars (node->left));
  if (node->data_bytes + n_bytes > node->data_capacity)
    {
      node->data = g_realloc (node->data, CHUNK_MAX_BYTES);
      node->data_capacity = CHUNK_MAX_BYTES;
    }
  memmove (node->data + offset + n_bytes, node->data + offset, node->data_bytes - offset);
  memcpy (node->data + offset, text, n_bytes);
  node->data_bytes += n_bytes;
  node->data_chars += n_chars;

  for (i = 0; i < depth; i++)
    {
      path[i]->n_bytes += n_bytes;
      path[i]->n_chars += n_chars;
    }

  return TRUE;
}

/* Deletes in place when [pos, pos + count) lies inside one chunk and that
 * chunk stays big enough (or is the only one). Returns FALSE, changing
 * nothing, otherwise. */
static gboolean
delete_in_place (PpRope *self,
                 gsize   pos,
                 gsize   count)
{
  PpRopeNode *path[MAX_HEIGHT];
  PpRopeNode *node = self->root;
  gboolean only_chunk;
  guint depth = 0;
  gsize byte_from;
  gsize byte_to;
  gsize n_bytes;
  guint i;

  while (node != NULL)
    {
      gsize left_chars = node_chars (node->left);

      g_assert (depth < MAX_HEIGHT);
      path[depth++] = node;

      if (pos < left_chars)
        {
          node = node->left;
        }
      else if (pos < left_chars + node->data_chars)
        {
          pos -= left_chars;
          break;
        }
      else
        {
          pos -= left_chars + node->data_chars;
          node = node->right;
        }
    }

  if (node == NULL || pos + count > node->data_chars)
    return FALSE;

  byte_from = utf8_char_to_byte (node->data, node->data_bytes, node->data_chars, pos);
  byte_to = byte_from + utf8_char_to_byte (node->data + byte_from, node->data_bytes - byte_from,
                                           node->data_chars - pos, count);
  n_bytes = byte_to - byte_from;

  only_chunk = self->root->left == NULL && self->root->right == NULL;
  if (node->data_bytes - n_bytes == 0 ||
      (node->data_bytes - n_bytes < CHUNK_MIN_BYTES && !only_chunk))
    return FALSE;

  memmove (node->data + byte_from, node->data + byte_to, node->data_bytes - byte_to);
  node->data_bytes -= n_bytes;
  node->data_chars -= count;

  for (i = 0; i < depth; i++)
    {
      path[i]->n_bytes -= n_bytes;
      path[i]->n_chars -= count;
    }

  return TRUE;
}

/* The general edit: replaces @n_delete code points at @pos with @text.
 * Splits the tree around the edit, re-chunks the chunks on both sides of the
 * seam together with @text (pulling in more neighbours while that is below
 * CHUNK_MIN_BYTES), and joins everything back. O(log n + n_bytes). */
static void
replace (PpRope     *self,
         gsize       pos,
         gsize       n_delete,
         const char *text,
         gsize       n_bytes)
{
  g_autoptr(GString) buffer = NULL;
  PpRopeNode *left = NULL;
  PpRopeNode *middle = NULL;
  PpRopeNode *right = NULL;
  PpRopeNode *node = NULL;

  split (g_steal_pointer (&self->root), pos, &left, &right);
  if (n_delete > 0)
    {
      split (right, n_delete, &middle, &right);
      node_free_tree (g_steal_pointer (&middle));
    }

  buffer = g_string_sized_new (n_bytes + 2 * CHUNK_MAX_BYTES);
  if (left != NULL)
    {
      left = remove_last (left, &node);
      g_string_append_len (buffer, node->data, node->data_bytes);
      node_free (node);
    }
  g_string_append_len (buffer, text, n_bytes);
  if (right != NULL)
    {
      right = remove_first (right, &node);
      g_string_append_len (buffer, node->data, node->data_bytes);
      node_free (node);
    }

  while (buffer->len < CHUNK_MIN_BYTES && (left != NULL || right != NULL))
    {
      if (left != NULL)
        {
          left = remove_last (left, &node);
          g_string_prepend_len (buffer, node->data, node->data_bytes);
        }
      else
        {
          right = remove_first (right, &node);
          g_string_append_len (buffer, node->data, node->data_bytes);
        }
      node_free (node);
    }

  middle = build_tree (buffer->str, buffer->len);
  self->root = join2 (join2 (left, middle), right);
}

static char *
check_node (const PpRopeNode *node,
            gboolean          only_chunk)
{
  char *problem;
  gsize last_lead;
  int balance;

  if (node == NULL)
    return NULL;

  if ((problem = check_node (node->left, FALSE)) != NULL ||
      (problem = check_node (node->right, FALSE)) != NULL)
    return problem;

  balance = node_height (node->left) - node_height (node->right);
  if (node->height != 1 + MAX (node_height (node->left), node_height (node->right)) ||
      balance < -1 || balance > 1)
    return g_strdup_printf ("node %p: height %d, children %d and %d", node, node->height,
                            node_height (node->left), node_height (node->right));

  if (node->n_bytes != node_bytes (node->left) + node->data_bytes + node_bytes (node->right) ||
      node->n_chars != node_chars (node->left) + node->data_chars + node_chars (node->right))
    return g_strdup_printf ("node %p: totals %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " chars do not add up",
                            node, node->n_bytes, node->n_chars);

  if (node->data_bytes == 0 || node->data_bytes > CHUNK_MAX_BYTES ||
      node->data_bytes > node->data_capacity ||
      (node->data_bytes < CHUNK_MIN_BYTES && !only_chunk))
    return g_strdup_printf ("node %p: chunk of %u bytes (capacity %u) in a rope of %s",
                            node, node->data_bytes, node->data_capacity,
                            only_chunk ? "one chunk" : "several chunks");

  if (node->data_chars != utf8_count_chars (node->data, node->data_bytes))
    return g_strdup_printf ("node %p: chunk counts %u chars, holds %" G_GSIZE_FORMAT, node,
                            node->data_chars, utf8_count_chars (node->data, node->data_bytes));

  last_lead = node->data_bytes - 1;
  while (last_lead > 0 && is_continuation (node->data[last_lead]))
    last_lead--;
  if (is_continuation (node->data[0]) ||
      last_lead + g_utf8_skip[(guchar) node->data[last_lead]] != node->data_bytes)
    return g_strdup_printf ("node %p: chunk cuts a UTF-8 sequence", node);

  return NULL;
}

char *
_pp_rope_check_invariants (const PpRope *self)
{
  const PpRopeNode *root;

  g_return_val_if_fail (self != NULL, NULL);

  root = self->root;
  if (root != NULL && root->height > MAX_HEIGHT)
    return g_strdup_printf ("height %d exceeds %d", root->height, MAX_HEIGHT);

  return check_node (root, root != NULL && root->left == NULL && root->right == NULL);
}

static gsize
count_nodes (const PpRopeNode *node)
{
  if (node == NULL)
    return 0;

  return 1 + count_nodes (node->left) + count_nodes (node->right);
}

gsize
_pp_rope_get_n_chunks (const PpRope *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return count_nodes (self->root);
}

guint
_pp_rope_get_height (const PpRope *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return node_height (self->root);
}

/**
 * pp_rope_new:
 * @text: (nullable): initial UTF-8 text
 * @n_bytes: length of @text in bytes, or -1 if it is NUL-terminated
 *
 * Builds a rope in O(n), without going through n inserts.
 *
 * Returns: (transfer full): a new rope
 */
PpRope *
pp_rope_new (const char *text,
             gssize      n_bytes)
{
  PpRope *self;

  g_return_val_if_fail (text != NULL || n_bytes <= 0, NULL);

  if (text == NULL)
    n_bytes = 0;
  else if (n_bytes < 0)
    n_bytes = strlen (text);

  self = g_new0 (PpRope, 1);
  self->root = build_tree (text, n_bytes);

  return self;
}

/**
 * pp_rope_copy:
 * @self: a rope
 *
 * Returns: (transfer full): an independent copy of @self, in O(n)
 */
PpRope *
pp_rope_copy (const PpRope *self)
{
  PpRope *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (PpRope, 1);
  copy->root = node_copy_tree (self->root);

  return copy;
}

/**
 * pp_rope_free:
 * @self: (nullable) (transfer full): a rope
 */
void
pp_rope_free (PpRope *self)
{
  if (self == NULL)
    return;

  node_free_tree (self->root);
  g_free (self);
}

/**
 * pp_rope_get_length:
 * @self: a rope
 *
 * Returns: the length of the text in Unicode code points, in O(1)
 */
gsize
pp_rope_get_length (const PpRope *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return node_chars (self->root);
}

/**
 * pp_rope_get_n_bytes:
 * @self: a rope
 *
 * Returns: the length of the text in bytes of UTF-8, in O(1)
 */
gsize
pp_rope_get_n_bytes (const PpRope *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return node_bytes (self->root);
}

/**
 * pp_rope_insert:
 * @self: a rope
 * @pos: where to insert, in code points, at most the length
 * @text: valid UTF-8
 * @n_bytes: length of @text in bytes, or -1 if it is NUL-terminated
 *
 * Inserts @text at @pos in O(log n + n_bytes).
 */
void
pp_rope_insert (PpRope     *self,
                gsize       pos,
                const char *text,
                gssize      n_bytes)
{
  gsize n_chars;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || n_bytes == 0);
  g_return_if_fail (pos <= pp_rope_get_length (self));

  if (n_bytes < 0)
    n_bytes = strlen (text);
  if (n_bytes == 0)
    return;

  n_chars = utf8_count_chars (text, n_bytes);
  if (n_bytes <= CHUNK_MAX_BYTES && insert_in_place (self, pos, text, n_bytes, n_chars))
    return;

  replace (self, pos, 0, text, n_bytes);
}

/**
 * pp_rope_delete:
 * @self: a rope
 * @pos: where to delete, in code points
 * @count: how many code points to delete; @pos + @count is at most the length
 *
 * Deletes a range in O(log n + chunk size).
 */
void
pp_rope_delete (PpRope *self,
                gsize   pos,
                gsize   count)
{
  gsize length;

  g_return_if_fail (self != NULL);

  length = pp_rope_get_length (self);
  g_return_if_fail (pos <= length);
  g_return_if_fail (count <= length - pos);

  if (count == 0)
    return;

  if (count == length)
    {
      g_clear_pointer (&self->root, node_free_tree);
      return;
    }

  if (delete_in_place (self, pos, count))
    return;

  replace (self, pos, count, NULL, 0);
}

/**
 * pp_rope_dup_text:
 * @self: a rope
 *
 * Returns: (transfer full): the whole text, NUL-terminated
 */
char *
pp_rope_dup_text (const PpRope *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return pp_rope_dup_range (self, 0, pp_rope_get_length (self));
}

/**
 * pp_rope_dup_range:
 * @self: a rope
 * @pos: start of the range, in code points
 * @count: length of the range, in code points; @pos + @count is at most the length
 *
 * Copies a range in O(log n + range size).
 *
 * Returns: (transfer full): the text of the range, NUL-terminated
 */
char *
pp_rope_dup_range (const PpRope *self,
                   gsize         pos,
                   gsize         count)
{
  gsize length;
  gsize n_bytes;
  char *text;
  char *out;

  g_return_val_if_fail (self != NULL, NULL);

  length = pp_rope_get_length (self);
  g_return_val_if_fail (pos <= length, NULL);
  g_return_val_if_fail (count <= length - pos, NULL);

  if (pos == 0 && count == length)
    n_bytes = pp_rope_get_n_bytes (self);
  else
    n_bytes = char_to_byte (self->root, pos + count) - char_to_byte (self->root, pos);

  text = g_malloc (n_bytes + 1);
  out = text;
  foreach_chunk (self->root, pos, pos + count, copy_chunk_cb, &out);
  g_assert (out == text + n_bytes);
  *out = '\0';

  return text;
}

/**
 * pp_rope_range_equals:
 * @self: a rope
 * @pos: where to compare, in code points, at most the length
 * @text: valid UTF-8
 * @n_bytes: length of @text in bytes
 *
 * Compares @text with the text at @pos without copying the range out.
 *
 * Returns: %TRUE if the rope holds exactly @text at @pos; %FALSE if not,
 *   including when @text would run past the end
 */
gboolean
pp_rope_range_equals (const PpRope *self,
                      gsize         pos,
                      const char   *text,
                      gsize         n_bytes)
{
  CompareState state = { text, n_bytes, 0 };
  gsize length;
  gsize n_chars;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL || n_bytes == 0, FALSE);

  length = pp_rope_get_length (self);
  g_return_val_if_fail (pos <= length, FALSE);

  n_chars = utf8_count_chars (text, n_bytes);
  if (n_chars > length - pos)
    return FALSE;

  return foreach_chunk (self->root, pos, pos + n_chars, compare_chunk_cb, &state) &&
         state.offset == n_bytes;
}
