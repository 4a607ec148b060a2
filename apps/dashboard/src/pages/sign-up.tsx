import { AuthForm } from "../components/auth-form.tsx";

export default function SignUp() {
  return <AuthForm mode="sign-up" />;
}
