import { useState } from 'react';
import {
  ConfigApi,
  configApiRef,
  githubAuthApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import {
  Content,
  ContentHeader,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
  SignInPage,
  SignInProviderConfig,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  EXAMPLE_USER_HEADER,
  ExampleUser,
  forgetSignInChoice,
  forgettingOnSignOut,
  loadSignInChoice,
  readExampleUsers,
  saveSignInChoice,
  SignInChoice,
} from './exampleUsers';

/** The providers of Backstage's sign-in page, from `app.signInProviders`. */
function signInProviders(
  configApi: ConfigApi,
): Array<'guest' | SignInProviderConfig> {
  const names = configApi.getOptionalStringArray('app.signInProviders') ?? [
    'guest',
  ];
  return names.map(name => {
    if (name === 'github') {
      return {
        id: 'github-auth-provider',
        title: 'GitHub',
        message: 'Sign in with your GitHub account',
        apiRef: githubAuthApiRef,
      };
    }
    if (name === 'guest') {
      return 'guest';
    }
    throw new Error(
      `app.signInProviders: '${name}' is not a sign-in provider of this portal (guest, github)`,
    );
  });
}

/**
 * The portal's sign-in page. With the development-only example-user sign-in
 * on (`auth.providers.exampleUser.enabled`), it offers Guest and every
 * configured example user; otherwise it is Backstage's guest sign-in page.
 */
export function ExampleUserSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const users = readExampleUsers(configApi);
  const [choice, setChoice] = useState(loadSignInChoice);

  if (!users) {
    return <SignInPage {...props} providers={signInProviders(configApi)} />;
  }
  if (!choice) {
    return (
      <ChooseUser
        title={configApi.getString('app.title')}
        users={users}
        onChoose={chosen => {
          saveSignInChoice(chosen);
          setChoice(chosen);
        }}
      />
    );
  }
  return (
    <ProxiedSignInPage
      provider={choice.provider}
      headers={
        choice.provider === 'exampleUser'
          ? { [EXAMPLE_USER_HEADER]: choice.user }
          : undefined
      }
      onSignInSuccess={identity =>
        props.onSignInSuccess(forgettingOnSignOut(identity))
      }
      ErrorComponent={({ error }) => (
        <SignInFailed
          choice={choice}
          error={error}
          onBack={() => {
            forgetSignInChoice();
            setChoice(undefined);
          }}
        />
      )}
    />
  );
}

function ChooseUser(props: {
  title: string;
  users: ExampleUser[];
  onChoose: (choice: SignInChoice) => void;
}) {
  return (
    <Page themeId="home">
      <Header title={props.title} />
      <Content>
        <ContentHeader title="Sign in" />
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            <InfoCard
              title="Guest"
              variant="fullHeight"
              actions={
                <Button
                  color="primary"
                  variant="outlined"
                  onClick={() => props.onChoose({ provider: 'guest' })}
                >
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">
                Sign in as the guest user, a member of the payments team.
              </Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard
              title="Example users (development only)"
              subheader="Sign in as any example user to try approvals as several people; to switch, sign out in Settings. Off in production configuration."
              variant="fullHeight"
            >
              <List dense aria-label="Example users">
                {props.users.map(user => (
                  <ListItem key={user.name}>
                    <ListItemText
                      primary={user.name}
                      secondary={user.description}
                    />
                    <Button
                      color="primary"
                      variant="outlined"
                      size="small"
                      onClick={() =>
                        props.onChoose({
                          provider: 'exampleUser',
                          user: user.name,
                        })
                      }
                    >
                      Sign in as {user.name}
                    </Button>
                  </ListItem>
                ))}
              </List>
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}

function SignInFailed(props: {
  choice: SignInChoice;
  error?: Error;
  onBack: () => void;
}) {
  const who = props.choice.provider === 'guest' ? 'guest' : props.choice.user;
  return (
    <Page themeId="home">
      <Header title="Sign-in failed" />
      <Content>
        <ErrorPanel
          title={`Could not sign in as ${who}`}
          error={props.error ?? new Error('Unknown error')}
        />
        <Button color="primary" variant="contained" onClick={props.onBack}>
          Choose another user
        </Button>
      </Content>
    </Page>
  );
}
