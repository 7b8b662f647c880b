import { Alert, Box, Grid, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Title, useGetIdentity } from 'react-admin';
import { API, httpClient } from '../data/http';
import { usePerms } from '../data/use-meta';
import type { Figure } from './figure-data';
import { FigureCard } from './FigureCard';

/** Charts that span two columns on a wide screen; numbers and lists take one. */
const WIDE = new Set<Figure['chart']>(['bars', 'stacked-bars', 'lines']);

/**
 * The dashboard: the figures `GET /api/dashboard` gives this user (declared on the server, each
 * within their reach), section by section.
 */
export function Dashboard() {
  const { identity } = useGetIdentity();
  const perms = usePerms();
  const { data, error } = useQuery({
    queryKey: ['dashboard', perms?.role],
    queryFn: async () => (await httpClient(`${API}/dashboard`)).json as { sections: { title: string; figures: Figure[] }[] },
  });
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Dashboard" />
      <Typography variant="h5" component="h1">
        Welcome{identity ? `, ${String(identity.fullName).split(' · ')[0]}` : ''}
      </Typography>
      <Typography sx={{ mt: 0.5, mb: 2 }} color="text.secondary">
        Signed in as {perms?.role}. Every figure counts only the records you may see; select one to open the list behind it. Figures may be up to half a minute old.
      </Typography>
      {error && <Alert severity="warning">{(error as Error).message}</Alert>}
      {data?.sections.length === 0 && <Typography>There are no figures for your role yet. The menu lists what your role may use.</Typography>}
      {data?.sections.map((section) => (
        <Box component="section" key={section.title} aria-label={section.title} sx={{ mb: 3 }}>
          <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
            {section.title}
          </Typography>
          <Grid container spacing={2}>
            {section.figures.map((figure) => (
              <Grid key={figure.id} size={{ xs: 12, md: WIDE.has(figure.chart) ? 12 : 6, lg: WIDE.has(figure.chart) ? 6 : 4 }}>
                <FigureCard figure={figure} />
              </Grid>
            ))}
          </Grid>
        </Box>
      ))}
    </Box>
  );
}
