import SearchIcon from '@mui/icons-material/Search';
import { Box, Button, Dialog, DialogContent, DialogTitle, InputAdornment, Link, ListItemButton, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { API, httpClient } from '../data/http';
import { usePerms } from '../data/use-meta';

interface SearchAnswer {
  groups: { resource: string; label: string; hits: { id: number; label: string }[]; more: boolean }[];
  incomplete: string[];
}

/** Waits this long after the last keystroke before asking the server. */
const PAUSE_MS = 200;

function useSearch(q: string) {
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const term = q.trim();
    if (term.length < 3) {
      setAnswer(null);
      setError(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      httpClient(`${API}/search?q=${encodeURIComponent(term)}`).then(
        ({ json }) => current && (setAnswer(json as SearchAnswer), setError(null)),
        (e: Error) => current && setError(e.message),
      );
    }, PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q]);
  return { answer, error };
}

/**
 * One box over every resource the user may list (`GET /api/search`), opened with Ctrl-K or the
 * app bar's button: arrows move through the hits, Enter opens the record, Esc closes.
 */
export function SearchBox() {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const navigate = useNavigate();
  const perms = usePerms();
  const { answer, error } = useSearch(q);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => setActive(0), [answer]);
  // Going elsewhere (a link, the browser's back) closes the box.
  const location = useLocation();
  useEffect(() => {
    setOpen(false);
    setQ('');
  }, [location.pathname, location.search]);
  const hits = (answer?.groups ?? []).flatMap((g) => g.hits.map((h) => ({ ...h, resource: g.resource })));
  const close = () => {
    setOpen(false);
    setQ('');
  };
  const openHit = (hit: { resource: string; id: number }) => {
    const actions = perms?.resources.find((r) => r.name === hit.resource)?.actions ?? [];
    close();
    navigate(actions.includes('show') ? `/${hit.resource}/${hit.id}/show` : actions.includes('edit') ? `/${hit.resource}/${hit.id}` : `/${hit.resource}?filter=${encodeURIComponent(JSON.stringify({ id: hit.id }))}`);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (hits.length) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length);
    } else if (e.key === 'Enter' && hits[active]) {
      e.preventDefault();
      openHit(hits[active]);
    }
  };
  const optionId = (i: number) => `search-hit-${i}`;
  let index = -1;
  return (
    <>
      <Button color="inherit" onClick={() => setOpen(true)} startIcon={<SearchIcon />} aria-keyshortcuts="Control+K" sx={{ textTransform: 'none' }}>
        Search <Box component="kbd" sx={{ ml: 1, px: 0.5, border: 1, borderRadius: 0.5, fontSize: '0.75rem', display: { xs: 'none', sm: 'inline' } }}>Ctrl K</Box>
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby="search-title">
        <DialogTitle id="search-title">Search every table</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="A name, an SSID, a claim number…"
            slotProps={{
              input: { startAdornment: <InputAdornment position="start"><SearchIcon /></InputAdornment> },
              htmlInput: {
                role: 'combobox',
                'aria-label': 'Search every table',
                'aria-expanded': hits.length > 0,
                'aria-controls': 'search-results',
                'aria-autocomplete': 'list',
                'aria-activedescendant': hits.length ? optionId(active) : undefined,
              },
            }}
          />
          <Typography role="status" variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            {error ?? (q.trim().length < 3 ? 'Type at least three characters.' : answer ? (hits.length ? `${hits.length} found. Arrows move, Enter opens, Esc closes.` : 'Nothing found.') : 'Searching…')}
            {answer?.incomplete.length ? ` Some tables took too long and were left out.` : ''}
          </Typography>
          <Box id="search-results" role="listbox" aria-label="Search results">
            {(answer?.groups ?? []).map((g) => (
              <Box key={g.resource} role="group" aria-labelledby={`search-group-${g.resource}`} sx={{ mb: 1 }}>
                <Typography id={`search-group-${g.resource}`} variant="overline" component="div" color="text.secondary">
                  {g.label}
                </Typography>
                {g.hits.map((h) => {
                  const i = ++index;
                  return (
                    <ListItemButton key={`${g.resource}-${h.id}`} component="div" id={optionId(i)} role="option" aria-selected={i === active} selected={i === active} tabIndex={-1} onClick={() => openHit({ resource: g.resource, id: h.id })} onMouseMove={() => setActive(i)}>
                      {h.label}
                    </ListItemButton>
                  );
                })}
              </Box>
            ))}
          </Box>
          {(answer?.groups ?? [])
            .filter((g) => g.more)
            .map((g) => (
              <Typography key={g.resource} variant="body2">
                <Link href={`#/${g.resource}?filter=${encodeURIComponent(JSON.stringify({ q: q.trim() }))}`}>More {g.label.toLowerCase()} in their list</Link>
              </Typography>
            ))}
        </DialogContent>
      </Dialog>
    </>
  );
}
