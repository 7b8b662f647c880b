import { Admin, CustomRoutes, Layout, Resource, type LayoutProps } from 'react-admin';
import { Route } from 'react-router-dom';
import { AuditBrowser, RecordHistoryPage } from './audit/AuditBrowser';
import { ChangeSetPage } from './audit/ChangeSetPage';
import { authProvider } from './auth/auth-provider';
import { IdleLogoff } from './auth/IdleLogoff';
import { LoginPage } from './auth/LoginPage';
import { dataProvider } from './data/data-provider';
import { withAsOf } from './timetravel/as-of';
import { represent, type Permissions } from './data/meta';
import { AppBar } from './layout/AppBar';
import { AppMenu } from './layout/AppMenu';
import { ConnectionNotice } from './layout/ConnectionNotice';
import { AriaFixes } from './layout/AriaFixes';
import { darkTheme, lightTheme } from './layout/theme';
import { queryClient } from './data/query-client';
import { APP_TITLE, DocumentTitle } from './layout/DocumentTitle';
import { i18nProvider } from './layout/i18n-provider';
import { Dashboard } from './layout/Dashboard';
import { PermissionMatrix } from './permissions/PermissionMatrix';
import { ResourceCreate } from './resources/ResourceCreate';
import { ResourceEdit } from './resources/ResourceEdit';
import { ResourceList } from './resources/ResourceList';
import { ResourceShow } from './resources/ResourceShow';

const AppLayout = ({ children, ...props }: LayoutProps) => (
  <Layout {...props} menu={AppMenu} appBar={AppBar}>
    <DocumentTitle />
    <IdleLogoff />
    <ConnectionNotice />
    <AriaFixes />
    {children}
  </Layout>
);

/**
 * The whole console is generated from `GET /api/meta` (fetched with the permissions after sign-in):
 * one <Resource> per table the user may list, with the screens its actions allow.
 */
export function App() {
  return (
    <Admin theme={lightTheme} darkTheme={darkTheme} queryClient={queryClient} dataProvider={withAsOf(dataProvider)} authProvider={authProvider} loginPage={LoginPage} layout={AppLayout} dashboard={Dashboard} i18nProvider={i18nProvider} requireAuth disableTelemetry title={APP_TITLE}>
      {(permissions: Permissions) => [
        ...(permissions?.resources ?? []).map((r) =>
          r.feature === 'audit-trail' ? (
            <Resource key={r.name} name={r.name} options={{ label: r.label }} list={AuditBrowser} show={ResourceShow} recordRepresentation={(rec) => represent(r.representation, rec)} />
          ) : (
            <Resource
              key={r.name}
              name={r.name}
              options={{ label: r.label }}
              list={ResourceList}
              show={r.actions.includes('show') ? ResourceShow : undefined}
              edit={r.actions.includes('edit') ? ResourceEdit : undefined}
              create={r.actions.includes('create') ? ResourceCreate : undefined}
              recordRepresentation={(rec) => represent(r.representation, rec)}
            />
          ),
        ),
        <CustomRoutes key="custom">
          <Route path="/permissions" element={<PermissionMatrix />} />
          <Route path="/history/:resource/:id" element={<RecordHistoryPage />} />
          <Route path="/change-sets/:txid" element={<ChangeSetPage />} />
        </CustomRoutes>,
      ]}
    </Admin>
  );
}
