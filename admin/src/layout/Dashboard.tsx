import { Card, CardContent, Typography } from '@mui/material';
import { Title, useGetIdentity } from 'react-admin';
import { usePerms } from '../data/use-meta';

export function Dashboard() {
  const { identity } = useGetIdentity();
  const perms = usePerms();
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="KCSOS / CYBHI admin" />
      <CardContent>
        <Typography variant="h5">Welcome{identity ? `, ${String(identity.fullName).split(' · ')[0]}` : ''}</Typography>
        <Typography sx={{ mt: 1 }}>
          Signed in as {perms?.role}. The menu lists what your role may use; every change you make is recorded with your name, and its history can be
          opened from the record.
        </Typography>
      </CardContent>
    </Card>
  );
}
