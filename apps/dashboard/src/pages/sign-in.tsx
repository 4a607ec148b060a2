import { AuthForm } from "../components/auth-form.tsx";

export default function SignIn() {
  return <AuthForm mode="sign-in" />;
}
